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
