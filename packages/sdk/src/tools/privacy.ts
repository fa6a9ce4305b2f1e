import type { PrivacyLevel } from '../boot/options.js'

/** Attributes a site puts on elements: block (never recorded), mask (text replaced), ignore (no input events). */
export const BLOCK_ATTR = 'data-sightline-block'
export const MASK_ATTR = 'data-sightline-mask'
export const IGNORE_ATTR = 'data-sightline-ignore'

/** Is this element, or an ancestor, marked with `attr`? */
export const isMarked = (element: Element | null, attr: string): boolean => !!element?.closest?.(`[${attr}]`)

/** Inputs whose values are never recorded, whatever the configuration (Datadog's forced-mask list, and more). */
export function isAlwaysSecret(element: Element): boolean {
  const a = (name: string) => (element.getAttribute(name) ?? '').toLowerCase()
  return (
    element.tagName === 'INPUT' &&
    (/^(password|hidden)$/.test(a('type')) ||
      element.hasAttribute('data-rr-is-password') ||
      /^cc-|-password$|^one-time-code$/.test(a('autocomplete')))
  )
}

/**
 * Text of an element as the privacy level allows: none for form fields and blocked elements; text inside
 * blocked descendants (and textareas) is skipped, text inside masked ones (or all of it under `strict`) masked.
 */
export function visibleText(element: Element, level: PrivacyLevel, max = 100): string | undefined {
  if (
    isMarked(element, BLOCK_ATTR) ||
    /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) ||
    (element as HTMLElement).isContentEditable
  )
    return
  const walker = document.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */)
  // Whitespace is collapsed as the text grows, and the walk stops once it is longer than `max` (a click on
  // <body> would otherwise read the whole page's text).
  let text = ''
  for (let n = walker.nextNode(); n && text.length <= max; n = walker.nextNode()) {
    const p = n.parentElement!
    if (!p.closest(`[${BLOCK_ATTR}],textarea`))
      text = (
        text + (level === 'strict' || isMarked(p, MASK_ATTR) ? n.nodeValue!.replace(/\S/g, '*') : n.nodeValue)
      )
        .replace(/\s+/g, ' ')
        .trimStart()
  }
  return text.trim().slice(0, max) || undefined
}
