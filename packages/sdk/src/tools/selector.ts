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

export function selectorOf(element: Element | null): string | undefined {
  const parts: string[] = []
  for (let el = element; el && parts.length < 4; el = el.parentElement) {
    const tag = el.tagName.toLowerCase()
    const { id, tagName } = el
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
    const same = [...(el.parentElement?.children ?? [])].filter((c) => c.tagName === tagName)
    parts.unshift(
      tag +
        classes.map((c) => `.${c}`).join('') +
        (same.length > 1 ? `:nth-of-type(${same.indexOf(el) + 1})` : ''),
    )
    if (tag === 'body') break
  }
  return parts.join(' > ').slice(0, 1024) || undefined
}
