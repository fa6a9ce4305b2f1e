/**
 * A short CSS selector for an element, stable enough to group clicks by: `#id`, a test id, or up to
 * four levels of `tag.class:nth-of-type`. Never includes attribute values other than ids and test ids.
 */
const TEST_ID_ATTRS = ['data-testid', 'data-test-id', 'data-test', 'data-cy']
const MAX_DEPTH = 4

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && CSS.escape
    ? CSS.escape(value)
    : value.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`)
}

export function testIdOf(element: Element): string | undefined {
  for (const attr of TEST_ID_ATTRS) {
    const v = element.getAttribute(attr)
    if (v) return v
  }
  return undefined
}

export function selectorOf(element: Element | null): string | undefined {
  const parts: string[] = []
  let el: Element | null = element
  while (el && el.nodeType === 1 && parts.length < MAX_DEPTH) {
    const tag = el.tagName.toLowerCase()
    if (el.id && !/\d{3,}/.test(el.id)) {
      parts.unshift(`${tag}#${cssEscape(el.id)}`)
      break
    }
    const testId = testIdOf(el)
    if (testId) {
      parts.unshift(
        `${tag}[${TEST_ID_ATTRS.find((a) => el!.getAttribute(a) === testId)}="${testId.replace(/"/g, '\\"')}"]`,
      )
      break
    }
    let part = tag
    const classes = [...el.classList]
      .filter((c) => /^[a-zA-Z][\w-]{0,40}$/.test(c) && !/\d{3,}/.test(c))
      .slice(0, 2)
    if (classes.length) part += `.${classes.map(cssEscape).join('.')}`
    const parent: Element | null = el.parentElement
    if (parent) {
      const same = [...parent.children].filter((c) => c.tagName === el!.tagName)
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(el) + 1})`
    }
    parts.unshift(part)
    if (tag === 'body' || tag === 'html') break
    el = parent
  }
  return parts.length ? parts.join(' > ') : undefined
}
