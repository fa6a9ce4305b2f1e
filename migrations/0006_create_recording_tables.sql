-- 0006_create_recording_tables: the session-recording (event) tables.
--
-- Every table here is declaratively partitioned BY RANGE (occurred_at) into
-- daily UTC partitions <table>_pYYYYMMDD created by
-- sightline_ensure_partitions() (no DEFAULT partition: an event outside the
-- created range is rejected, so the collector must keep partitions ahead).
--
-- Common leading columns and key on every table:
--   user_session_id, site_id, occurred_at, batch_id, event_index, tab_id, page_url
--   PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
-- The PK doubles as the "events of a session in time order" index, and every
-- primary/unique key starts with user_session_id so the tables can be
-- distributed by it with Citus. (batch_id, event_index) identifies an event
-- inside an idempotent batch (see ingested_batches).
--
-- Deliberately NO foreign keys (to user_sessions or sites): they are costly
-- on the ingest path, awkward on partitioned tables, not supported between
-- differently distributed Citus tables, and retention drops whole partitions.
-- Tenant isolation is by site_id via RLS (0007).

CREATE TABLE public.page_performance (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  metric          text             NOT NULL CHECK (metric IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'dns', 'tcp', 'tls', 'request', 'response', 'dom_interactive', 'dom_content_loaded', 'load', 'transfer_size')),
  value           double precision NOT NULL,
  rating          text             CHECK (rating IN ('good', 'needs-improvement', 'poor')),
  navigation_type text,
  selector        text,            -- web-vitals attribution target
  attribution     jsonb,
  CONSTRAINT page_performance_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX page_performance_site_id_occurred_at_idx ON public.page_performance (site_id, occurred_at);

COMMENT ON TABLE public.page_performance IS 'Web-vitals and navigation/resource timing metrics per page (LCP, INP, CLS, FCP, TTFB, timing phases).';

CREATE TABLE public.scroll_events (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  scroll_y          int  NOT NULL,
  scroll_x          int,
  depth_percent     real NOT NULL CHECK (depth_percent BETWEEN 0 AND 100),
  max_depth_percent real CHECK (max_depth_percent BETWEEN 0 AND 100),
  viewport_height   int,
  document_height   int,
  CONSTRAINT scroll_events_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX scroll_events_site_id_occurred_at_idx ON public.scroll_events (site_id, occurred_at);

COMMENT ON TABLE public.scroll_events IS 'Sampled scroll positions and scroll depth per page.';

CREATE TABLE public.click_events (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  x               int      NOT NULL,
  y               int      NOT NULL,
  selector        text,
  "text"          text,
  button          smallint NOT NULL DEFAULT 0,
  element_tag     text,
  test_id         text,
  role            text,
  accessible_name text,
  href            text,
  is_dead         boolean  NOT NULL DEFAULT false,
  is_error        boolean  NOT NULL DEFAULT false,
  CONSTRAINT click_events_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX click_events_site_id_occurred_at_idx ON public.click_events (site_id, occurred_at);

COMMENT ON TABLE public.click_events IS 'Clicks with coordinates, target element description and dead/error-click flags.';

CREATE TABLE public.form_interactions (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  action             text NOT NULL CHECK (action IN ('focus', 'input', 'change', 'blur', 'submit', 'invalid', 'abandon')),
  field_selector     text,
  field_name         text,
  field_type         text,
  form_selector      text,
  value_length       int,
  validation_message text,
  duration_ms        int,
  CONSTRAINT form_interactions_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX form_interactions_site_id_occurred_at_idx ON public.form_interactions (site_id, occurred_at);

COMMENT ON TABLE public.form_interactions IS 'Form field focus/input/change/blur/submit/invalid/abandon events; stores lengths and metadata, never the field value.';

COMMENT ON COLUMN public.form_interactions.value_length IS 'Length of the field value; the value itself is never recorded.';

CREATE TABLE public.rage_click_incidents (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  click_count    int         NOT NULL CHECK (click_count >= 2),
  x              int,
  y              int,
  selector       text,
  first_click_at timestamptz NOT NULL,
  last_click_at  timestamptz NOT NULL,
  rule_version   text        NOT NULL,
  CHECK (last_click_at >= first_click_at),
  CONSTRAINT rage_click_incidents_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX rage_click_incidents_site_id_occurred_at_idx ON public.rage_click_incidents (site_id, occurred_at);

COMMENT ON TABLE public.rage_click_incidents IS 'Rage-click bursts detected by the SDK rule (rule_version), with burst size and time span.';

CREATE TABLE public.mouse_movements (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  path        jsonb NOT NULL,  -- [[x, y, dt_ms], ...]
  point_count int   NOT NULL CHECK (point_count >= 0),
  duration_ms int   NOT NULL CHECK (duration_ms >= 0),
  CONSTRAINT mouse_movements_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX mouse_movements_site_id_occurred_at_idx ON public.mouse_movements (site_id, occurred_at);

COMMENT ON TABLE public.mouse_movements IS 'Batched mouse paths as [[x, y, dt_ms], ...] with point count and duration.';

COMMENT ON COLUMN public.mouse_movements.path IS 'JSON array of [x, y, dt_ms] points.';

CREATE TABLE public.keyboard_events (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  key             text    NOT NULL CHECK (key IN ('Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown', 'Space', 'Character', 'Function', 'Shortcut', 'Modifier', 'Other')),
  shortcut        text,    -- e.g. 'Ctrl+S', only when a modifier other than Shift is held
  target_selector text,
  in_field        boolean NOT NULL DEFAULT false,
  CONSTRAINT keyboard_events_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX keyboard_events_site_id_occurred_at_idx ON public.keyboard_events (site_id, occurred_at);

COMMENT ON TABLE public.keyboard_events IS 'Key classes (never typed characters) and modifier shortcuts.';

COMMENT ON COLUMN public.keyboard_events.shortcut IS 'e.g. Ctrl+S; only set when a modifier other than Shift is held.';

CREATE TABLE public.visibility_changes (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  state             text NOT NULL CHECK (state IN ('visible', 'hidden')),
  previous_state_ms int,
  CONSTRAINT visibility_changes_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX visibility_changes_site_id_occurred_at_idx ON public.visibility_changes (site_id, occurred_at);

COMMENT ON TABLE public.visibility_changes IS 'Tab visibility transitions (visible/hidden) with time spent in the previous state.';

CREATE TABLE public.network_requests (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  method           text             NOT NULL,
  url              text             NOT NULL,
  status           int,
  duration_ms      double precision,
  request_bytes    bigint,
  response_bytes   bigint,
  initiator        text             CHECK (initiator IN ('fetch', 'xhr', 'beacon', 'other')),
  error            text,
  request_headers  jsonb,
  response_headers jsonb,
  request_body     text,
  response_body    text,
  CONSTRAINT network_requests_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX network_requests_site_id_occurred_at_idx ON public.network_requests (site_id, occurred_at);

COMMENT ON TABLE public.network_requests IS 'fetch/XHR/beacon requests with status, timing, sizes and optionally captured headers/bodies.';

CREATE TABLE public.console_logs (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  level     text    NOT NULL CHECK (level IN ('debug', 'log', 'info', 'warn', 'error', 'trace')),
  message   text    NOT NULL,
  args      jsonb,
  truncated boolean NOT NULL DEFAULT false,
  CONSTRAINT console_logs_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX console_logs_site_id_occurred_at_idx ON public.console_logs (site_id, occurred_at);

COMMENT ON TABLE public.console_logs IS 'Captured console output by level, with serialised args.';

CREATE TABLE public.javascript_errors (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  message    text NOT NULL,
  stack      text,
  source     text,
  line       int,
  "column"   int,
  kind       text NOT NULL DEFAULT 'error' CHECK (kind IN ('error', 'unhandledrejection')),
  error_type text,
  CONSTRAINT javascript_errors_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX javascript_errors_site_id_occurred_at_idx ON public.javascript_errors (site_id, occurred_at);

COMMENT ON TABLE public.javascript_errors IS 'Uncaught errors and unhandled promise rejections with stack and source location.';

CREATE TABLE public.element_visibility (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  selector         text        NOT NULL,
  visible_ratio    real        NOT NULL CHECK (visible_ratio BETWEEN 0 AND 1),
  visible_ms       int         NOT NULL,
  first_visible_at timestamptz,
  CONSTRAINT element_visibility_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX element_visibility_site_id_occurred_at_idx ON public.element_visibility (site_id, occurred_at);

COMMENT ON TABLE public.element_visibility IS 'How much and how long tracked elements were visible in the viewport.';

CREATE TABLE public.replay_segments (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text NOT NULL,
  page_url        text,
  segment_index     int         NOT NULL CHECK (segment_index >= 0),
  ended_at          timestamptz NOT NULL,
  record_count      int         NOT NULL,
  has_full_snapshot boolean     NOT NULL,
  encoding          text        NOT NULL CHECK (encoding IN ('gzip', 'none')),
  raw_bytes         int         NOT NULL,
  data              bytea       NOT NULL,
  CHECK (ended_at >= occurred_at),
  CONSTRAINT replay_segments_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX replay_segments_site_id_occurred_at_idx ON public.replay_segments (site_id, occurred_at);

CREATE UNIQUE INDEX replay_segments_tab_segment_key
  ON public.replay_segments (user_session_id, tab_id, segment_index, occurred_at);

COMMENT ON TABLE public.replay_segments IS 'Compressed DOM-replay record segments per tab; occurred_at is the first record time, ended_at the last.';

CREATE TABLE public.page_views (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  url             text NOT NULL,
  referrer        text,
  title           text,
  navigation_type text CHECK (navigation_type IN ('load', 'reload', 'back_forward', 'spa', 'prerender')),
  CONSTRAINT page_views_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX page_views_site_id_occurred_at_idx ON public.page_views (site_id, occurred_at);

COMMENT ON TABLE public.page_views IS 'Page loads and SPA navigations with referrer and title.';

CREATE TABLE public.custom_events (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  name  text NOT NULL,
  props jsonb,
  CONSTRAINT custom_events_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX custom_events_site_id_occurred_at_idx ON public.custom_events (site_id, occurred_at);

COMMENT ON TABLE public.custom_events IS 'Application-defined events sent with the SDK track() call.';

CREATE TABLE public.frustration_signals (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  kind         text  NOT NULL CHECK (kind IN ('rage_click', 'dead_click', 'error_click', 'failed_request_click', 'excessive_scrolling', 'quick_back', 'form_abandonment', 'mouse_thrashing')),
  reason       text,
  selector     text,
  evidence     jsonb NOT NULL DEFAULT '{}'::jsonb,
  rule_version text  NOT NULL,
  CONSTRAINT frustration_signals_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX frustration_signals_site_id_occurred_at_idx ON public.frustration_signals (site_id, occurred_at);

COMMENT ON TABLE public.frustration_signals IS 'Derived frustration signals (rage/dead/error clicks, thrashing, quick back, ...) with evidence and rule version.';

CREATE TABLE public.client_reports (
  user_session_id uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  batch_id        uuid        NOT NULL,
  event_index     smallint    NOT NULL CHECK (event_index >= 0),
  tab_id          text,
  page_url        text,
  reason   text NOT NULL,
  category text NOT NULL,
  quantity int  NOT NULL CHECK (quantity >= 0),
  CONSTRAINT client_reports_pkey PRIMARY KEY (user_session_id, occurred_at, batch_id, event_index)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX client_reports_site_id_occurred_at_idx ON public.client_reports (site_id, occurred_at);

COMMENT ON TABLE public.client_reports IS 'Counts of data the SDK had to drop, by reason and category.';

-- Partitions from yesterday to two days ahead so a fresh database can take
-- events right away; the collector/maintenance job keeps creating ahead
-- (e.g. sightline_ensure_partitions(current_date - 7, current_date + 7) at
-- startup, then daily). The window here is deliberately small: each new
-- partition holds ~7 relation locks until commit, and this whole file is one
-- transaction; a 15-day window (255 partitions, ~1,940 locks) exhausted the
-- shared lock table (max_locks_per_transaction = 64) when several test
-- databases migrated at the same time.
SELECT public.sightline_ensure_partitions(current_date - 1, current_date + 2);
