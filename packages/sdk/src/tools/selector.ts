/**
 * A short CSS selector for an element, stable enough to group clicks by: `#id`, a test id, or up to
 * four levels of `tag.class:nth-of-type`, at most 1024 characters. Never includes attribute values
 * other than ids and test ids.
 */
const testAttrOf = (el: Element) => ['data-testid', 'data-cy'].find((a) => el.getAttribute(a))

export const testIdOf = (element: Element): string | undefined => {
  const a = testAttrOf(element)
  return a && element.getAttribute(a)!
}

/** Ids and classes with 3+ digits in a row are likely generated: not stable. */
const generated = (s: string) => /\d{3}/.test(s)

/**
 * Selectors are computed once per element (keystrokes and clicks repeat on the same ones), and so is each
 * element's own part: an ancestor's part is shared by all its descendants (the position of a card in a grid
 * of 1,000 is counted once for every button in it).
 */
const cache = new WeakMap<Element, string | undefined>()
const parts = new WeakMap<Element, string>()

/**
 * 1-based position among same-tag siblings, or 0 when the element is the only one of its tag. Compares
 * localName (the type `:nth-of-type` counts by), which reads faster than tagName.
 */
function nthOfType(el: Element): number {
  const tag = el.localName
  let n = 1
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.localName === tag) n++
  if (n > 1) return n
  for (let s = el.nextElementSibling; s; s = s.nextElementSibling) if (s.localName === tag) return 1
  return 0
}

/** `tag#id` or `tag[test-attr="…"]` (an anchor: the selector starts there), else `tag.a.b:nth-of-type(n)`. */
function partOf(el: Element): string {
  let part = parts.get(el)
  if (part === undefined) {
    const tag = el.tagName.toLowerCase()
    const { id } = el
    const attr = testAttrOf(el)
    if (id && !generated(id)) part = `${tag}#${CSS.escape(id)}`
    else if (attr) part = `${tag}[${attr}="${el.getAttribute(attr)!.replace(/"/g, '\\"')}"]`
    else {
      const n = el.parentElement ? nthOfType(el) : 0
      part =
        tag +
        [...el.classList]
          .filter((c) => /^[a-zA-Z][\w-]{0,40}$/.test(c) && !generated(c))
          .slice(0, 2)
          .map((c) => `.${c}`)
          .join('') +
        (n ? `:nth-of-type(${n})` : '')
    }
    parts.set(el, part)
  }
  return part
}

export function selectorOf(element: Element | null): string | undefined {
  if (!element) return
  if (cache.has(element)) return cache.get(element)
  const path: string[] = []
  for (let el: Element | null = element; el && path.length < 4; el = el.parentElement) {
    const part = partOf(el)
    path.unshift(part)
    // An anchor's `#` or `[` appears in no other part (classes are [\w-] only).
    if (/[#[]/.test(part) || el.localName === 'body') break
  }
  const selector = path.join(' > ').slice(0, 1024) || undefined
  cache.set(element, selector)
  return selector
}
