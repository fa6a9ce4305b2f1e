-- 0009_create_session_summaries: one row per session with its counts, signals, worst web vitals and
-- frustration score, maintained at ingest by the collector (one upsert per session per group commit,
-- apps/collector/src/ingest/writer.ts) and recomputable from the recorded rows in SQL
-- (sightline_session_summary_of / sightline_recompute_session_summary below, docs/signals.md).

-- Adds two count objects key by key: {"a": 1} + {"a": 2, "b": 1} = {"a": 3, "b": 1}.
CREATE FUNCTION public.sightline_jsonb_add_counts(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT coalesce(jsonb_object_agg(key, n), '{}'::jsonb)
  FROM (
    SELECT e.key, sum(e.value::bigint) AS n
    FROM (
      SELECT * FROM jsonb_each_text(coalesce(a, '{}'::jsonb))
      UNION ALL
      SELECT * FROM jsonb_each_text(coalesce(b, '{}'::jsonb))
    ) AS e
    GROUP BY e.key
  ) AS s
$$;

COMMENT ON FUNCTION public.sightline_jsonb_add_counts(jsonb, jsonb) IS 'Sum of two {key: count} objects, key by key.';

-- Frustration score (docs/signals.md#frustration-score): raw = sum of weight(kind) x count(kind) with
-- weights rage_click 3, error_click 3, failed_request_click 2, form_abandonment 2, dead_click 1,
-- quick_back 1, excessive_scrolling 1, mouse_thrashing 1 (any other kind 1);
-- score = 100 x (1 - exp(-raw / 10)), rounded to one decimal: 0 without signals, towards 100 with many.
CREATE FUNCTION public.sightline_frustration_score(p_signals jsonb)
RETURNS real
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT round((100 * (1 - exp(-coalesce(sum(
           (CASE e.key
              WHEN 'rage_click' THEN 3
              WHEN 'error_click' THEN 3
              WHEN 'failed_request_click' THEN 2
              WHEN 'form_abandonment' THEN 2
              ELSE 1
            END) * e.value::numeric), 0) / 10)))::numeric, 1)::real
  FROM jsonb_each_text(coalesce(p_signals, '{}'::jsonb)) AS e
$$;

COMMENT ON FUNCTION public.sightline_frustration_score(jsonb) IS 'Frustration score 0..100 of a {kind: count} object: 100 * (1 - exp(-sum(weight * count) / 10)); weights in docs/signals.md.';

CREATE TABLE public.session_summaries (
  user_session_id      uuid             PRIMARY KEY REFERENCES public.user_sessions (id) ON DELETE CASCADE,
  site_id              uuid             NOT NULL,
  test_run_id          uuid,
  actor                text             NOT NULL CHECK (actor IN ('human', 'automation')),
  started_at           timestamptz      NOT NULL,
  last_seen_at         timestamptz      NOT NULL,
  duration_ms          bigint           GENERATED ALWAYS AS ((extract(epoch FROM (last_seen_at - started_at)) * 1000)::bigint) STORED,
  entry_url            text,
  last_url             text,
  page_views           int              NOT NULL DEFAULT 0 CHECK (page_views >= 0),
  event_count          int              NOT NULL DEFAULT 0 CHECK (event_count >= 0),
  counts               jsonb            NOT NULL DEFAULT '{}'::jsonb,
  signals              jsonb            NOT NULL DEFAULT '{}'::jsonb,
  signal_count         int              NOT NULL DEFAULT 0 CHECK (signal_count >= 0),
  error_count          int              NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  console_error_count  int              NOT NULL DEFAULT 0 CHECK (console_error_count >= 0),
  failed_request_count int              NOT NULL DEFAULT 0 CHECK (failed_request_count >= 0),
  lcp_ms               double precision,
  inp_ms               double precision,
  cls                  double precision,
  fcp_ms               double precision,
  ttfb_ms              double precision,
  frustration_score    real             NOT NULL DEFAULT 0,
  updated_at           timestamptz      NOT NULL DEFAULT now(),
  -- Ordering keys of entry_url / last_url (the time of that page view; NULL while the session has no
  -- page view and the URL is the one of its first batch), so batches stored out of order still leave
  -- the earliest and the latest page view.
  entry_url_at         timestamptz,
  last_url_at          timestamptz
);

CREATE INDEX session_summaries_site_id_started_at_idx ON public.session_summaries (site_id, started_at DESC);
CREATE INDEX session_summaries_test_run_id_idx ON public.session_summaries (test_run_id) WHERE test_run_id IS NOT NULL;
CREATE INDEX session_summaries_signals_gin ON public.session_summaries USING gin (signals);

COMMENT ON TABLE public.session_summaries IS 'One row per session: duration, pages, rows per recording table, signals per kind, errors, worst web vitals and frustration score; maintained at ingest, recomputable with sightline_recompute_session_summary().';
COMMENT ON COLUMN public.session_summaries.event_count IS 'Events accepted for the session (sum of ingested_batches.event_count).';
COMMENT ON COLUMN public.session_summaries.counts IS 'Rows per recording table, e.g. {"click_events": 12}; tables without rows are absent.';
COMMENT ON COLUMN public.session_summaries.signals IS 'frustration_signals rows per kind (SDK and derived), e.g. {"rage_click": 1}.';
COMMENT ON COLUMN public.session_summaries.failed_request_count IS 'network_requests with status >= 400 or an error (failed without a response).';
COMMENT ON COLUMN public.session_summaries.lcp_ms IS 'Worst (largest) LCP of the session; likewise inp_ms, cls, fcp_ms, ttfb_ms.';
COMMENT ON COLUMN public.session_summaries.frustration_score IS 'sightline_frustration_score(signals), 0..100.';

-- The summary a session's stored rows give, computed from scratch (the definition the collector's
-- incremental upsert must agree with).
CREATE FUNCTION public.sightline_session_summary_of(p_session uuid)
RETURNS TABLE (
  user_session_id uuid, site_id uuid, test_run_id uuid, actor text, started_at timestamptz,
  last_seen_at timestamptz, entry_url text, entry_url_at timestamptz, last_url text,
  last_url_at timestamptz, page_views int, event_count int, counts jsonb, signals jsonb,
  signal_count int, error_count int, console_error_count int, failed_request_count int,
  lcp_ms double precision, inp_ms double precision, cls double precision, fcp_ms double precision,
  ttfb_ms double precision, frustration_score real
)
LANGUAGE sql
STABLE
AS $$
  WITH c AS (
    SELECT 'page_performance' AS t, count(*) AS n FROM public.page_performance WHERE user_session_id = p_session
    UNION ALL SELECT 'scroll_events', count(*) FROM public.scroll_events WHERE user_session_id = p_session
    UNION ALL SELECT 'click_events', count(*) FROM public.click_events WHERE user_session_id = p_session
    UNION ALL SELECT 'form_interactions', count(*) FROM public.form_interactions WHERE user_session_id = p_session
    UNION ALL SELECT 'rage_click_incidents', count(*) FROM public.rage_click_incidents WHERE user_session_id = p_session
    UNION ALL SELECT 'mouse_movements', count(*) FROM public.mouse_movements WHERE user_session_id = p_session
    UNION ALL SELECT 'keyboard_events', count(*) FROM public.keyboard_events WHERE user_session_id = p_session
    UNION ALL SELECT 'visibility_changes', count(*) FROM public.visibility_changes WHERE user_session_id = p_session
    UNION ALL SELECT 'network_requests', count(*) FROM public.network_requests WHERE user_session_id = p_session
    UNION ALL SELECT 'console_logs', count(*) FROM public.console_logs WHERE user_session_id = p_session
    UNION ALL SELECT 'javascript_errors', count(*) FROM public.javascript_errors WHERE user_session_id = p_session
    UNION ALL SELECT 'element_visibility', count(*) FROM public.element_visibility WHERE user_session_id = p_session
    UNION ALL SELECT 'replay_segments', count(*) FROM public.replay_segments WHERE user_session_id = p_session
    UNION ALL SELECT 'page_views', count(*) FROM public.page_views WHERE user_session_id = p_session
    UNION ALL SELECT 'custom_events', count(*) FROM public.custom_events WHERE user_session_id = p_session
    UNION ALL SELECT 'frustration_signals', count(*) FROM public.frustration_signals WHERE user_session_id = p_session
    UNION ALL SELECT 'client_reports', count(*) FROM public.client_reports WHERE user_session_id = p_session
  ),
  counts AS (
    SELECT coalesce(jsonb_object_agg(t, n) FILTER (WHERE n > 0), '{}'::jsonb) AS counts,
           coalesce(sum(n) FILTER (WHERE t = 'page_views'), 0)::int AS page_views,
           coalesce(sum(n) FILTER (WHERE t = 'javascript_errors'), 0)::int AS error_count
    FROM c
  ),
  sig AS (
    SELECT coalesce(jsonb_object_agg(kind, n), '{}'::jsonb) AS signals, coalesce(sum(n), 0)::int AS signal_count
    FROM (SELECT f.kind, count(*) AS n FROM public.frustration_signals f WHERE f.user_session_id = p_session GROUP BY f.kind) AS k
  ),
  vitals AS (
    SELECT max(p.value) FILTER (WHERE p.metric = 'LCP') AS lcp_ms,
           max(p.value) FILTER (WHERE p.metric = 'INP') AS inp_ms,
           max(p.value) FILTER (WHERE p.metric = 'CLS') AS cls,
           max(p.value) FILTER (WHERE p.metric = 'FCP') AS fcp_ms,
           max(p.value) FILTER (WHERE p.metric = 'TTFB') AS ttfb_ms
    FROM public.page_performance p
    WHERE p.user_session_id = p_session AND p.metric IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB')
  ),
  first_view AS (
    SELECT v.url, v.occurred_at FROM public.page_views v WHERE v.user_session_id = p_session
    ORDER BY v.occurred_at, v.batch_id, v.event_index LIMIT 1
  ),
  last_view AS (
    SELECT v.url, v.occurred_at FROM public.page_views v WHERE v.user_session_id = p_session
    ORDER BY v.occurred_at DESC, v.batch_id DESC, v.event_index DESC LIMIT 1
  )
  SELECT u.id, u.site_id, u.test_run_id, u.actor, u.started_at, u.last_seen_at,
         coalesce((SELECT url FROM first_view), u.entry_url),
         (SELECT occurred_at FROM first_view),
         coalesce((SELECT url FROM last_view), (SELECT url FROM first_view), u.entry_url),
         (SELECT occurred_at FROM last_view),
         counts.page_views,
         (SELECT coalesce(sum(b.event_count), 0)::int FROM public.ingested_batches b WHERE b.user_session_id = p_session),
         counts.counts, sig.signals, sig.signal_count, counts.error_count,
         (SELECT count(*)::int FROM public.console_logs l WHERE l.user_session_id = p_session AND l.level = 'error'),
         (SELECT count(*)::int FROM public.network_requests r
           WHERE r.user_session_id = p_session AND (r.status >= 400 OR r.error IS NOT NULL)),
         vitals.lcp_ms, vitals.inp_ms, vitals.cls, vitals.fcp_ms, vitals.ttfb_ms,
         public.sightline_frustration_score(sig.signals)
  FROM public.user_sessions u, counts, sig, vitals
  WHERE u.id = p_session
$$;

COMMENT ON FUNCTION public.sightline_session_summary_of(uuid) IS 'The session_summaries row of a session computed from scratch from its stored rows (no row when the session does not exist).';

-- Rewrites one session's summary from its stored rows (backfill, repair); deletes the summary of a
-- session that no longer exists. Returns whether a summary row exists afterwards.
CREATE FUNCTION public.sightline_recompute_session_summary(p_session uuid)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO public.session_summaries AS s (
    user_session_id, site_id, test_run_id, actor, started_at, last_seen_at, entry_url, entry_url_at,
    last_url, last_url_at, page_views, event_count, counts, signals, signal_count, error_count,
    console_error_count, failed_request_count, lcp_ms, inp_ms, cls, fcp_ms, ttfb_ms, frustration_score)
  SELECT * FROM public.sightline_session_summary_of(p_session)
  ON CONFLICT (user_session_id) DO UPDATE SET
    site_id = excluded.site_id, test_run_id = excluded.test_run_id, actor = excluded.actor,
    started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,
    entry_url = excluded.entry_url, entry_url_at = excluded.entry_url_at,
    last_url = excluded.last_url, last_url_at = excluded.last_url_at,
    page_views = excluded.page_views, event_count = excluded.event_count, counts = excluded.counts,
    signals = excluded.signals, signal_count = excluded.signal_count, error_count = excluded.error_count,
    console_error_count = excluded.console_error_count, failed_request_count = excluded.failed_request_count,
    lcp_ms = excluded.lcp_ms, inp_ms = excluded.inp_ms, cls = excluded.cls, fcp_ms = excluded.fcp_ms,
    ttfb_ms = excluded.ttfb_ms, frustration_score = excluded.frustration_score, updated_at = now();
  IF FOUND THEN
    RETURN true;
  END IF;
  DELETE FROM public.session_summaries WHERE user_session_id = p_session;
  RETURN false;
END
$$;

COMMENT ON FUNCTION public.sightline_recompute_session_summary(uuid) IS 'Rewrites the session_summaries row of one session from its stored rows (backfill or repair); true when the session exists.';

-- RLS as on every tenant table (0007): the collector writes, the analyst reads its company's sites.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.session_summaries TO sightline_service;
GRANT SELECT ON TABLE public.session_summaries TO sightline_analyst;
ALTER TABLE public.session_summaries ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.session_summaries FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.session_summaries FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.session_summaries FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- Sessions recorded before this migration get their summary now.
SELECT public.sightline_recompute_session_summary(u.id) FROM public.user_sessions u;
