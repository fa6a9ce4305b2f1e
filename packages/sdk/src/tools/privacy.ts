import type { PrivacyLevel } from '../boot/options.js'

/** Attributes a site puts on elements: block (never recorded), mask (text replaced), ignore (no input events). */
export const BLOCK_ATTR = 'data-sightline-block'
export const MASK_ATTR = 'data-sightline-mask'
export const IGNORE_ATTR = 'data-sightline-ignore'

/** Is this element, or an ancestor, marked with `attr`? */
export function isMarked(element: Element | null, attr: string): boolean {
  return !!element?.closest?.(`[${attr}]`)
}

/** Inputs whose values are never recorded, whatever the configuration (Datadog's forced-mask list, and more). */
export function isAlwaysSecret(element: Element): boolean {
  if (element.tagName !== 'INPUT') return false
  const input = element as HTMLInputElement
  const type = (input.getAttribute('type') ?? '').toLowerCase()
  const autocomplete = (input.getAttribute('autocomplete') ?? '').toLowerCase()
  return (
    type === 'password' ||
    type === 'hidden' ||
    input.hasAttribute('data-rr-is-password') ||
    autocomplete.startsWith('cc-') ||
    autocomplete.endsWith('-password') ||
    autocomplete === 'one-time-code'
  )
}

/** Text of an element as the privacy level allows: `strict` masks all text; marked elements are masked. */
export function visibleText(element: Element, level: PrivacyLevel, max = 100): string | undefined {
  if (isMarked(element, BLOCK_ATTR)) return undefined
  const tag = element.tagName
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (element as HTMLElement).isContentEditable)
    return undefined
  const raw = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, max)
  if (!raw) return undefined
  return level === 'strict' || isMarked(element, MASK_ATTR) ? raw.replace(/\S/g, '*') : raw
}
