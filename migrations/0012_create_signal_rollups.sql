-- 0012_create_signal_rollups: frustration signals counted per UTC day, site and group, maintained
-- by a statement-level trigger on frustration_signals, for the aggregates of GET /v1/signals
-- (a week of one site was 1.5 s from the raw rows at 100,000 sessions; docs/benchmarks.md).
--
-- Groups (dimension, kind, value):
--   ('selector', kind, selector)  -> bySelector and the per-day trend
--   ('page',     kind, page_url)  -> byPage when the request names a kind
--   ('page',     '',   page_url)  -> byPage over all kinds ('' = every kind)
-- A NULL selector or page_url is stored as ''.
-- signals: rows; sessions: distinct sessions with at least one signal of the group that day. The
-- trigger adds a session only for its first signal of the group and day (an EXISTS on the session's
-- earlier rows of that day), so the count is exact per day; over several days the API sums the days,
-- so a session with the same group on both sides of UTC midnight counts on both days.
-- Two transactions storing a session's first signals of one group at the same time can each count
-- it (neither sees the other's rows); the collector writes a session's batches in one group commit.
-- Rows are inserted in key order so concurrent writers lock rollup rows in the same order.
-- Retention that drops partitions or deletes signals does not lower these counts (see docs/api.md).

CREATE TABLE public.signal_rollups (
  site_id   uuid NOT NULL,
  day       date NOT NULL,
  dimension text NOT NULL CHECK (dimension IN ('selector', 'page')),
  kind      text NOT NULL,
  value     text NOT NULL,
  signals   int  NOT NULL CHECK (signals >= 0),
  sessions  int  NOT NULL CHECK (sessions >= 0),
  CONSTRAINT signal_rollups_pkey PRIMARY KEY (site_id, day, dimension, kind, value)
);

COMMENT ON TABLE public.signal_rollups IS 'frustration_signals counted per site, UTC day and group (selector or page, per kind or all kinds), with distinct sessions per day; maintained by a trigger.';

CREATE FUNCTION public.sightline_rollup_signals()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO public.signal_rollups AS r (site_id, day, dimension, kind, value, signals, sessions)
  SELECT g.site_id, g.day, g.dimension, g.kind, g.value, count(*)::int,
         (count(DISTINCT g.user_session_id) FILTER (WHERE NOT g.seen))::int
  FROM (
    SELECT n.site_id, n.day, n.user_session_id, d.dimension, d.kind, d.value,
           EXISTS (
             SELECT 1 FROM public.frustration_signals f
             WHERE f.user_session_id = n.user_session_id
               AND f.occurred_at >= n.day::timestamp AT TIME ZONE 'UTC'
               AND f.occurred_at < (n.day + 1)::timestamp AT TIME ZONE 'UTC'
               AND (d.kind = '' OR f.kind = d.kind)
               AND coalesce(CASE d.dimension WHEN 'selector' THEN f.selector ELSE f.page_url END, '') = d.value
               AND (f.batch_id, f.event_index, f.occurred_at) NOT IN (
                 SELECT x.batch_id, x.event_index, x.occurred_at FROM new_rows x)
           ) AS seen
    FROM (SELECT r.*, (r.occurred_at AT TIME ZONE 'UTC')::date AS day FROM new_rows r) AS n
    CROSS JOIN LATERAL (VALUES
      ('selector', n.kind, coalesce(n.selector, '')),
      ('page', n.kind, coalesce(n.page_url, '')),
      ('page', '', coalesce(n.page_url, ''))
    ) AS d (dimension, kind, value)
  ) AS g
  GROUP BY g.site_id, g.day, g.dimension, g.kind, g.value
  ORDER BY g.site_id, g.day, g.dimension, g.kind, g.value
  ON CONFLICT (site_id, day, dimension, kind, value) DO UPDATE
    SET signals = r.signals + excluded.signals, sessions = r.sessions + excluded.sessions;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION public.sightline_rollup_signals() IS 'Adds the new frustration_signals rows of a statement to signal_rollups (signals, and sessions at their first signal of a group that day).';

CREATE TRIGGER frustration_signals_rollup
  AFTER INSERT ON public.frustration_signals
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.sightline_rollup_signals();

-- Signals stored before this migration.
INSERT INTO public.signal_rollups (site_id, day, dimension, kind, value, signals, sessions)
SELECT f.site_id, (f.occurred_at AT TIME ZONE 'UTC')::date, d.dimension, d.kind, d.value,
       count(*)::int, count(DISTINCT f.user_session_id)::int
FROM public.frustration_signals f
CROSS JOIN LATERAL (VALUES
  ('selector', f.kind, coalesce(f.selector, '')),
  ('page', f.kind, coalesce(f.page_url, '')),
  ('page', '', coalesce(f.page_url, ''))
) AS d (dimension, kind, value)
GROUP BY 1, 2, 3, 4, 5;

-- RLS as on every tenant table (0007).
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.signal_rollups TO sightline_service;
GRANT SELECT ON TABLE public.signal_rollups TO sightline_analyst;
ALTER TABLE public.signal_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.signal_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.signal_rollups FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.signal_rollups FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));
