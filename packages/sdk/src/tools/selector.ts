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

/** Selectors are computed once per element (keystrokes and clicks repeat on the same ones). */
const cache = new WeakMap<Element, string | undefined>()

/**
 * 1-based position among same-tag siblings, or 0 when the element is the only one of its tag. Compares
 * localName (the type `:nth-of-type` counts by), which reads faster than tagName: a card in a grid of
 * 1,000 walks them all.
 */
function nthOfType(el: Element): number {
  const tag = el.localName
  let n = 1
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.localName === tag) n++
  if (n > 1) return n
  for (let s = el.nextElementSibling; s; s = s.nextElementSibling) if (s.localName === tag) return 1
  return 0
}

export function selectorOf(element: Element | null): string | undefined {
  if (!element) return undefined
  if (cache.has(element)) return cache.get(element)
  const parts: string[] = []
  for (let el: Element | null = element; el && parts.length < 4; el = el.parentElement) {
    const tag = el.tagName.toLowerCase()
    const { id } = el
    const attr = testAttrOf(el)
    const anchor =
      id && !generated(id)
        ? `#${CSS.escape(id)}`
        : attr && `[${attr}="${el.getAttribute(attr)!.replace(/"/g, '\\"')}"]`
    if (anchor) {
      parts.unshift(tag + anchor)
      break
    }
    const classes = [...el.classList]
      .filter((c) => /^[a-zA-Z][\w-]{0,40}$/.test(c) && !generated(c))
      .slice(0, 2)
    const n = el.parentElement ? nthOfType(el) : 0
    parts.unshift(tag + classes.map((c) => `.${c}`).join('') + (n ? `:nth-of-type(${n})` : ''))
    if (tag === 'body') break
  }
  const selector = parts.join(' > ').slice(0, 1024) || undefined
  cache.set(element, selector)
  return selector
}
