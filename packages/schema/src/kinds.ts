/**
 * The frustration signal kinds, in a module without zod: the dashboard imports it
 * (`@sightline/schema/kinds`) without pulling the schemas into its bundle.
 */
export const SIGNAL_KINDS = [
  'rage_click',
  'dead_click',
  'error_click',
  'failed_request_click',
  'excessive_scrolling',
  'quick_back',
  'form_abandonment',
  'mouse_thrashing',
] as const

/**
 * The kinds whose rows the collector writes at ingest, from rows of several events (docs/signals.md); the
 * SDK sends the others as `signal` events. A page never knows these: a test reads them from the collector.
 */
export const DERIVED_SIGNAL_KINDS = [
  'failed_request_click',
  'excessive_scrolling',
  'quick_back',
  'form_abandonment',
  'mouse_thrashing',
] as const satisfies readonly (typeof SIGNAL_KINDS)[number][]
