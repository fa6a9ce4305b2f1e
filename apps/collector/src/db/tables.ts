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

/** The table each event type of the wire format lands in (`identify` updates user_sessions instead). */
export const EVENT_TABLES = {
  pageview: 'page_views',
  click: 'click_events',
  scroll: 'scroll_events',
  form: 'form_interactions',
  rage: 'rage_click_incidents',
  mouse: 'mouse_movements',
  key: 'keyboard_events',
  visibility: 'visibility_changes',
  network: 'network_requests',
  console: 'console_logs',
  error: 'javascript_errors',
  element: 'element_visibility',
  perf: 'page_performance',
  signal: 'frustration_signals',
  custom: 'custom_events',
  drop: 'client_reports',
  replay: 'replay_segments',
} as const satisfies Record<string, string>
