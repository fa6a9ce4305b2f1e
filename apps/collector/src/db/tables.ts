/** The twelve session-recording tables of the schema (migrations/0006), keyed by user_session_id. */
export const RECORDING_TABLES = [
  'page_performance',
  'scroll_events',
  'click_events',
  'form_interactions',
  'rage_click_incidents',
  'mouse_movements',
  'keyboard_events',
  'visibility_changes',
  'network_requests',
  'console_logs',
  'javascript_errors',
  'element_visibility',
] as const
