-- 0014_update_signal_rules: the same rules as 0011 (same rule versions, same results), read
-- differently. Every table read starts from the input batches (LATERAL … OFFSET 0, and no hash or
-- merge joins inside the function), so a rule run looks up the new rows of its few sessions by primary
-- key. 0011 let the planner scan every row of the time range (all sessions recorded in those seconds)
-- and hash them against the input: fine on a quiet site, proportional to the whole site's traffic on
-- a busy one. Plans are now generic (planned once per connection): the per-row lookups no longer
-- need plan-time partition pruning, and PostgreSQL still skips the partitions outside v_lo … v_hi
-- when each statement starts. JIT is off for the function: compiling these small queries took seconds.
--
-- Also: sightline_jsonb_add_counts() walks only its second (small) object; same results.

CREATE OR REPLACE FUNCTION public.sightline_jsonb_add_counts(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT coalesce(a, '{}'::jsonb) || coalesce((
    SELECT jsonb_object_agg(e.key, coalesce((a->>e.key)::bigint, 0) + e.value::bigint)
    FROM jsonb_each_text(b) AS e), '{}'::jsonb)
$$;

CREATE OR REPLACE FUNCTION public.sightline_derive_signals(p_batches jsonb)
RETURNS TABLE (user_session_id uuid, kind text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
-- Nested loops driven by the (few) input batches, never a hash over every row of a time range; no
-- JIT (the generic plans' cost estimates are high enough to trigger it, and it costs seconds).
SET enable_hashjoin = off
SET enable_mergejoin = off
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  v_lo    timestamptz;
  v_hi    timestamptz;
  -- the input's time range widened by each look-back, as plain values so the planner can prune
  v_lo1s  timestamptz;
  v_lo10s timestamptz;
  v_lo60  timestamptz;
  v_lo4h  timestamptz;
  v_hi1s  timestamptz;
  v_hi40  timestamptz;
  v_hi60  timestamptz;
  v_found jsonb := '[]'::jsonb;
  v_part  jsonb;
BEGIN
  SELECT min(x.f), max(x.t) INTO v_lo, v_hi FROM public.sightline_signal_batches(p_batches) x;
  IF v_lo IS NULL THEN
    RETURN;
  END IF;
  v_lo1s := v_lo - interval '1 second';
  v_lo10s := v_lo - interval '10 seconds';
  v_lo60 := v_lo - interval '60 seconds';
  v_lo4h := v_lo - interval '4 hours';
  v_hi1s := v_hi + interval '1 second';
  v_hi40 := v_hi + interval '40 seconds';
  v_hi60 := v_hi + interval '60 seconds';

  -- rage_click (rule of the SDK incident, e.g. rage-1): every rage_click_incidents row, with the
  -- clicks of the burst (within 60 s of its first click). Found from the incident's batch, or from a
  -- batch holding clicks of a burst (clicks and their incident can arrive in different batches), so
  -- the click chain ends up complete.
  IF p_batches @> '[{"rage": true}]' OR p_batches @> '[{"click": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      WITH rage_rows AS (
        SELECT r.* FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT r.* FROM public.rage_click_incidents r
          WHERE r.user_session_id = b.s AND r.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR r.batch_id = b.b)
            AND r.occurred_at BETWEEN v_lo AND v_hi
          OFFSET 0) r
        WHERE b.rage
        UNION
        SELECT r.* FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT r.* FROM public.rage_click_incidents r
          WHERE r.user_session_id = b.s AND r.occurred_at BETWEEN b.f - interval '60 seconds' AND b.t
            AND r.last_click_at >= b.f AND (b.tab IS NULL OR r.tab_id = b.tab)
            AND r.occurred_at BETWEEN v_lo60 AND v_hi
          OFFSET 0) r
        WHERE b.click AND b.b IS NOT NULL
      )
      SELECT r.user_session_id, r.site_id, r.occurred_at, r.batch_id, r.event_index, r.tab_id, r.page_url,
             'rage_click' AS kind, NULL AS reason, r.selector,
             jsonb_build_object(
               'clickCount', r.click_count,
               'firstClickAt', r.first_click_at,
               'lastClickAt', r.last_click_at,
               'spanMs', (extract(epoch FROM r.last_click_at - r.first_click_at) * 1000)::int,
               'x', r.x, 'y', r.y,
               'clicks', coalesce((
                 SELECT jsonb_agg(jsonb_build_object(
                          'atMs', (extract(epoch FROM c.occurred_at - r.first_click_at) * 1000)::int,
                          'x', c.x, 'y', c.y, 'dead', c.is_dead, 'error', c.is_error)
                        ORDER BY c.occurred_at, c.batch_id, c.event_index)
                 FROM public.click_events c
                 WHERE c.user_session_id = r.user_session_id
                   AND c.occurred_at BETWEEN r.first_click_at AND least(r.last_click_at, r.first_click_at + interval '60 seconds')
                   AND c.occurred_at BETWEEN v_lo60 AND v_hi60
                   AND c.tab_id IS NOT DISTINCT FROM r.tab_id
                   AND c.selector IS NOT DISTINCT FROM r.selector), '[]'::jsonb)
             ) AS evidence,
             r.rule_version
      FROM rage_rows r
    ) x;
    v_found := v_found || v_part;
  END IF;

  -- failed_request_click (failed-request-1): a click, then within 1,000 ms in the same tab the start
  -- of a request that failed (status >= 400, or no response: an error). Either may be the new row.
  IF p_batches @> '[{"click": true}]' OR p_batches @> '[{"failed": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      WITH fr_clicks AS (
        SELECT c.* FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT c.* FROM public.click_events c
          WHERE c.user_session_id = b.s AND c.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR c.batch_id = b.b)
            AND c.occurred_at BETWEEN v_lo AND v_hi
          OFFSET 0) c
        WHERE b.click AND EXISTS (
          SELECT 1 FROM public.network_requests r
          WHERE r.user_session_id = c.user_session_id
            AND r.occurred_at BETWEEN c.occurred_at AND c.occurred_at + interval '1000 milliseconds'
            AND r.occurred_at BETWEEN v_lo AND v_hi1s
            AND r.tab_id IS NOT DISTINCT FROM c.tab_id
            AND (r.status >= 400 OR r.error IS NOT NULL)
          OFFSET 0)
        UNION
        SELECT c.* FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT r.* FROM public.network_requests r
          WHERE r.user_session_id = b.s AND r.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR r.batch_id = b.b)
            AND r.occurred_at BETWEEN v_lo AND v_hi AND (r.status >= 400 OR r.error IS NOT NULL)
          OFFSET 0) r
        CROSS JOIN LATERAL (
          SELECT c.* FROM public.click_events c
          WHERE c.user_session_id = r.user_session_id
            AND c.occurred_at BETWEEN r.occurred_at - interval '1000 milliseconds' AND r.occurred_at
            AND c.tab_id IS NOT DISTINCT FROM r.tab_id
            AND c.occurred_at BETWEEN v_lo1s AND v_hi
          OFFSET 0) c
        WHERE b.failed
      )
      SELECT c.user_session_id, c.site_id, c.occurred_at, c.batch_id, c.event_index, c.tab_id, c.page_url,
             'failed_request_click' AS kind,
             CASE WHEN q.first_status >= 500 THEN 'http_5xx' WHEN q.first_status >= 400 THEN 'http_4xx'
                  ELSE 'network_error' END AS reason,
             c.selector,
             jsonb_build_object(
               'windowMs', 1000,
               'click', jsonb_build_object('x', c.x, 'y', c.y, 'text', c.text, 'testId', c.test_id,
                                           'role', c.role, 'name', c.accessible_name),
               'requests', q.requests) AS evidence,
             'failed-request-1' AS rule_version
      FROM fr_clicks c
      CROSS JOIN LATERAL (
        SELECT (array_agg(r.status ORDER BY r.occurred_at, r.batch_id, r.event_index))[1] AS first_status,
               jsonb_agg(jsonb_build_object(
                 'method', r.method, 'url', r.url, 'status', r.status, 'error', r.error,
                 'startedAfterMs', (extract(epoch FROM r.occurred_at - c.occurred_at) * 1000)::int,
                 'durationMs', r.duration_ms)
               ORDER BY r.occurred_at, r.batch_id, r.event_index) AS requests
        FROM public.network_requests r
        WHERE r.user_session_id = c.user_session_id
          AND r.occurred_at BETWEEN c.occurred_at AND c.occurred_at + interval '1000 milliseconds'
          AND r.occurred_at BETWEEN v_lo1s AND v_hi1s
          AND r.tab_id IS NOT DISTINCT FROM c.tab_id
          AND (r.status >= 400 OR r.error IS NOT NULL)
      ) q
      WHERE q.requests IS NOT NULL
    ) x;
    v_found := v_found || v_part;
  END IF;

  -- quick_back (quick-back-1): in one tab, page views A, B, A in a row with at most 10,000 ms on B.
  -- Judged when the return to A is stored; the signal is on B. A is looked for within 4 h (a session's
  -- longest life).
  IF p_batches @> '[{"pageview": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      SELECT p2.user_session_id, p2.site_id, p2.occurred_at, p2.batch_id, p2.event_index, p2.tab_id,
             p2.url AS page_url, 'quick_back' AS kind, NULL AS reason, NULL AS selector,
             jsonb_build_object(
               'dwellMs', (extract(epoch FROM p3.occurred_at - p2.occurred_at) * 1000)::int,
               'thresholdMs', 10000,
               'fromUrl', p1.url, 'leftUrl', p2.url,
               'returnedAt', p3.occurred_at, 'returnNavigation', p3.navigation_type) AS evidence,
             'quick-back-1' AS rule_version
      FROM public.sightline_signal_batches(p_batches) b
      CROSS JOIN LATERAL (
        SELECT p.* FROM public.page_views p
        WHERE p.user_session_id = b.s AND p.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR p.batch_id = b.b)
          AND p.occurred_at BETWEEN v_lo AND v_hi
        OFFSET 0) p3
      CROSS JOIN LATERAL (
        SELECT v.* FROM public.page_views v
        WHERE v.user_session_id = p3.user_session_id AND v.tab_id IS NOT DISTINCT FROM p3.tab_id
          AND v.occurred_at >= p3.occurred_at - interval '10 seconds'
          AND v.occurred_at BETWEEN v_lo10s AND v_hi
          AND (v.occurred_at, v.batch_id, v.event_index) < (p3.occurred_at, p3.batch_id, p3.event_index)
        ORDER BY v.occurred_at DESC, v.batch_id DESC, v.event_index DESC LIMIT 1
      ) p2
      CROSS JOIN LATERAL (
        SELECT v.* FROM public.page_views v
        WHERE v.user_session_id = p2.user_session_id AND v.tab_id IS NOT DISTINCT FROM p2.tab_id
          AND v.occurred_at BETWEEN v_lo4h AND v_hi
          AND (v.occurred_at, v.batch_id, v.event_index) < (p2.occurred_at, p2.batch_id, p2.event_index)
        ORDER BY v.occurred_at DESC, v.batch_id DESC, v.event_index DESC LIMIT 1
      ) p1
      WHERE b.pageview AND p1.url = p3.url AND p2.url <> p3.url
    ) x;
    v_found := v_found || v_part;
  END IF;

  -- excessive_scrolling (scroll-1): on one page of one tab, scroll samples at most 10 s apart moving
  -- >= 100 px count as moves; a move opposite to the previous move (at most 10 s before) is a
  -- reversal; a sample ending 10 s that hold >= 4 reversals is a candidate, and a signal when no other
  -- candidate of that page precedes it within 30 s. Reading 60 s before the new rows (10 + 10 + 10 +
  -- 30) gives the same result as reading the whole session.
  IF p_batches @> '[{"scroll": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      WITH sr AS (
        SELECT b.s, b.tab, min(b.f) AS f, max(b.t) AS t
        FROM public.sightline_signal_batches(p_batches) b WHERE b.scroll GROUP BY b.s, b.tab
      ),
      s_rows AS (
        SELECT e.user_session_id, e.site_id, e.occurred_at, e.batch_id, e.event_index, e.tab_id, e.page_url,
               e.scroll_y, e.viewport_height, e.document_height, e.max_depth_percent, sr.f AS fresh_from,
               lag(e.occurred_at) OVER w AS prev_at, lag(e.scroll_y) OVER w AS prev_y
        FROM sr
        CROSS JOIN LATERAL (
          SELECT e.* FROM public.scroll_events e
          WHERE e.user_session_id = sr.s AND (sr.tab IS NULL OR e.tab_id = sr.tab)
            AND e.occurred_at BETWEEN sr.f - interval '60 seconds' AND sr.t + interval '40 seconds'
            AND e.occurred_at BETWEEN v_lo60 AND v_hi40
          OFFSET 0) e
        WINDOW w AS (PARTITION BY e.user_session_id, e.tab_id, e.page_url ORDER BY e.occurred_at, e.batch_id, e.event_index)
      ),
      s_moves AS (
        SELECT m.*, sign(m.scroll_y - m.prev_y) AS dir,
               lag(sign(m.scroll_y - m.prev_y)) OVER w AS prev_dir, lag(m.occurred_at) OVER w AS prev_move_at
        FROM s_rows m
        WHERE m.occurred_at - m.prev_at <= interval '10 seconds' AND abs(m.scroll_y - m.prev_y) >= 100
        WINDOW w AS (PARTITION BY m.user_session_id, m.tab_id, m.page_url ORDER BY m.occurred_at, m.batch_id, m.event_index)
      ),
      s_counted AS (
        SELECT m.*,
               count(*) FILTER (WHERE m.dir <> m.prev_dir AND m.occurred_at - m.prev_move_at <= interval '10 seconds')
                 OVER (PARTITION BY m.user_session_id, m.tab_id, m.page_url ORDER BY m.occurred_at
                       RANGE BETWEEN interval '10 seconds' PRECEDING AND CURRENT ROW) AS reversals
        FROM s_moves m
      ),
      s_cand AS (SELECT * FROM s_counted WHERE reversals >= 4)
      SELECT c.user_session_id, c.site_id, c.occurred_at, c.batch_id, c.event_index, c.tab_id, c.page_url,
             'excessive_scrolling' AS kind, NULL AS reason, NULL AS selector,
             jsonb_build_object(
               'reversals', c.reversals, 'windowMs', 10000, 'minMovePx', 100,
               'viewportHeight', c.viewport_height, 'documentHeight', c.document_height,
               'maxDepthPercent', c.max_depth_percent,
               'samples', (
                 SELECT jsonb_agg(jsonb_build_array(
                          (extract(epoch FROM r.occurred_at - c.occurred_at) * 1000)::int, r.scroll_y)
                        ORDER BY r.occurred_at, r.batch_id, r.event_index)
                 FROM s_rows r
                 WHERE r.user_session_id = c.user_session_id AND r.tab_id IS NOT DISTINCT FROM c.tab_id
                   AND r.page_url IS NOT DISTINCT FROM c.page_url
                   AND r.occurred_at BETWEEN c.occurred_at - interval '10 seconds' AND c.occurred_at)
             ) AS evidence,
             'scroll-1' AS rule_version
      FROM s_cand c
      WHERE c.occurred_at >= c.fresh_from
        AND NOT EXISTS (
          SELECT 1 FROM s_cand o
          WHERE o.user_session_id = c.user_session_id AND o.tab_id IS NOT DISTINCT FROM c.tab_id
            AND o.page_url IS NOT DISTINCT FROM c.page_url
            AND o.occurred_at >= c.occurred_at - interval '30 seconds'
            AND (o.occurred_at, o.batch_id, o.event_index) < (c.occurred_at, c.batch_id, c.event_index))
    ) x;
    v_found := v_found || v_part;
  END IF;

  -- form_abandonment (form-abandon-1): every abandon event the SDK sent (a form with input since its
  -- last submit, and the page left), with what happened on the form since that submit or since the
  -- page was loaded (looked for within 4 h).
  IF p_batches @> '[{"abandon": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      WITH fa_rows AS (
        SELECT a.*,
               coalesce((
                 SELECT max(y.at) FROM (
                   (SELECT v.occurred_at AS at FROM public.page_views v
                     WHERE v.user_session_id = a.user_session_id AND v.tab_id IS NOT DISTINCT FROM a.tab_id
                       AND v.navigation_type <> 'spa' AND v.occurred_at <= a.occurred_at
                       AND v.occurred_at BETWEEN v_lo4h AND v_hi
                     ORDER BY v.occurred_at DESC LIMIT 1)
                   UNION ALL
                   (SELECT s.occurred_at FROM public.form_interactions s
                     WHERE s.user_session_id = a.user_session_id AND s.tab_id IS NOT DISTINCT FROM a.tab_id
                       AND s.action = 'submit' AND s.form_selector IS NOT DISTINCT FROM a.form_selector
                       AND s.occurred_at <= a.occurred_at
                       AND s.occurred_at BETWEEN v_lo4h AND v_hi
                     ORDER BY s.occurred_at DESC LIMIT 1)) y), a.occurred_at - interval '4 hours') AS since
        FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT a.* FROM public.form_interactions a
          WHERE a.user_session_id = b.s AND a.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR a.batch_id = b.b)
            AND a.action = 'abandon' AND a.occurred_at BETWEEN v_lo AND v_hi
          OFFSET 0) a
        WHERE b.abandon
      ),
      fa_stats AS (
        SELECT a.user_session_id, a.occurred_at, a.batch_id, a.event_index, q.*,
               (SELECT count(*) FROM public.javascript_errors e
                 WHERE e.user_session_id = a.user_session_id AND e.tab_id IS NOT DISTINCT FROM a.tab_id
                   AND e.occurred_at BETWEEN coalesce(q.started_at, a.since) AND a.occurred_at
                   AND e.occurred_at BETWEEN v_lo4h AND v_hi) AS js_errors,
               (SELECT count(*) FROM public.network_requests r
                 WHERE r.user_session_id = a.user_session_id AND r.tab_id IS NOT DISTINCT FROM a.tab_id
                   AND r.occurred_at BETWEEN coalesce(q.started_at, a.since) AND a.occurred_at
                   AND r.occurred_at BETWEEN v_lo4h AND v_hi
                   AND (r.status >= 400 OR r.error IS NOT NULL)) AS failed_requests
        FROM fa_rows a
        CROSS JOIN LATERAL (
          SELECT min(f.occurred_at) AS started_at,
                 count(DISTINCT f.field_selector) FILTER (WHERE f.action IN ('input', 'change')) AS fields_touched,
                 count(*) FILTER (WHERE f.action = 'invalid') AS invalid_count,
                 coalesce(jsonb_agg(DISTINCT f.field_selector) FILTER (WHERE f.action = 'invalid' AND f.field_selector IS NOT NULL), '[]'::jsonb) AS invalid_fields,
                 (array_agg(f.validation_message ORDER BY f.occurred_at DESC) FILTER (WHERE f.action = 'invalid'))[1] AS last_validation_message
          FROM public.form_interactions f
          WHERE f.user_session_id = a.user_session_id AND f.tab_id IS NOT DISTINCT FROM a.tab_id
            AND f.form_selector IS NOT DISTINCT FROM a.form_selector
            AND f.occurred_at > a.since AND f.occurred_at <= a.occurred_at AND f.action <> 'abandon'
            AND f.occurred_at BETWEEN v_lo4h AND v_hi
        ) q
      )
      SELECT a.user_session_id, a.site_id, a.occurred_at, a.batch_id, a.event_index, a.tab_id, a.page_url,
             'form_abandonment' AS kind,
             CASE WHEN s.invalid_count > 0 THEN 'after_invalid' WHEN s.js_errors > 0 THEN 'after_error'
                  WHEN s.failed_requests > 0 THEN 'after_failed_request' END AS reason,
             a.form_selector AS selector,
             jsonb_build_object(
               'form', a.form_selector, 'lastField', a.field_selector, 'lastFieldName', a.field_name,
               'fieldsTouched', s.fields_touched, 'invalidCount', s.invalid_count,
               'invalidFields', s.invalid_fields, 'lastValidationMessage', s.last_validation_message,
               'jsErrors', s.js_errors, 'failedRequests', s.failed_requests,
               'startedAt', s.started_at,
               'timeOnFormMs', (extract(epoch FROM a.occurred_at - s.started_at) * 1000)::int) AS evidence,
             'form-abandon-1' AS rule_version
      FROM fa_rows a JOIN fa_stats s USING (user_session_id, occurred_at, batch_id, event_index)
    ) x;
    v_found := v_found || v_part;
  END IF;

  -- mouse_thrashing (thrash-1): within one mouse path, steps of >= 30 px horizontally count as
  -- moves; a move opposite to the previous move is a reversal; >= 4 reversals within 1,500 ms make
  -- the path a thrash (one signal per path, evidence from its first such window).
  IF p_batches @> '[{"mouse": true}]' THEN
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) INTO v_part FROM (
      WITH th_points AS (
        SELECT m.user_session_id, m.site_id, m.occurred_at, m.batch_id, m.event_index, m.tab_id, m.page_url,
               p.i, (p.pt->>0)::int AS px, (p.pt->>1)::int AS py, (p.pt->>2)::int AS dt
        FROM public.sightline_signal_batches(p_batches) b
        CROSS JOIN LATERAL (
          SELECT m.* FROM public.mouse_movements m
          WHERE m.user_session_id = b.s AND m.occurred_at BETWEEN b.f AND b.t AND (b.b IS NULL OR m.batch_id = b.b)
            AND m.point_count >= 6 AND m.occurred_at BETWEEN v_lo AND v_hi
          OFFSET 0) m
        CROSS JOIN LATERAL jsonb_array_elements(m.path) WITH ORDINALITY AS p(pt, i)
        WHERE b.mouse
      ),
      th_steps AS (
        SELECT p.*, p.px - lag(p.px) OVER w AS dx
        FROM th_points p
        WINDOW w AS (PARTITION BY p.user_session_id, p.occurred_at, p.batch_id, p.event_index ORDER BY p.i)
      ),
      th_moves AS (
        SELECT s.*, sign(s.dx) AS dir, lag(sign(s.dx)) OVER w AS prev_dir
        FROM th_steps s WHERE abs(s.dx) >= 30
        WINDOW w AS (PARTITION BY s.user_session_id, s.occurred_at, s.batch_id, s.event_index ORDER BY s.i)
      ),
      th_counted AS (
        SELECT m.*, count(*) FILTER (WHERE m.dir <> m.prev_dir)
                 OVER (PARTITION BY m.user_session_id, m.occurred_at, m.batch_id, m.event_index ORDER BY m.dt
                       RANGE BETWEEN 1500 PRECEDING AND CURRENT ROW) AS reversals
        FROM th_moves m
      ),
      th_first AS (
        SELECT DISTINCT ON (c.user_session_id, c.occurred_at, c.batch_id, c.event_index) c.*
        FROM th_counted c WHERE c.reversals >= 4
        ORDER BY c.user_session_id, c.occurred_at, c.batch_id, c.event_index, c.dt
      )
      SELECT c.user_session_id, c.site_id, c.occurred_at, c.batch_id, c.event_index, c.tab_id, c.page_url,
             'mouse_thrashing' AS kind, NULL AS reason, NULL AS selector,
             jsonb_build_object(
               'reversals', c.reversals, 'windowMs', 1500, 'minMovePx', 30,
               'startMs', greatest(0, c.dt - 1500), 'endMs', c.dt,
               'points', (SELECT jsonb_agg(jsonb_build_array(p.px, p.py, p.dt) ORDER BY p.i)
                          FROM th_points p
                          WHERE p.user_session_id = c.user_session_id AND p.occurred_at = c.occurred_at
                            AND p.batch_id = c.batch_id AND p.event_index = c.event_index
                            AND p.dt BETWEEN c.dt - 1500 AND c.dt)) AS evidence,
             'thrash-1' AS rule_version
      FROM th_first c
    ) x;
    v_found := v_found || v_part;
  END IF;

  IF v_found = '[]'::jsonb THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH found AS (
    SELECT DISTINCT ON (x.user_session_id, x.occurred_at, x.batch_id, x.event_index) x.*
    FROM jsonb_populate_recordset(NULL::public.frustration_signals, v_found) x
    ORDER BY x.user_session_id, x.occurred_at, x.batch_id, x.event_index
  ),
  inserted AS (
    INSERT INTO public.frustration_signals AS f (
      user_session_id, site_id, occurred_at, batch_id, event_index, tab_id, page_url, kind, reason,
      selector, evidence, rule_version)
    SELECT x.user_session_id, x.site_id, x.occurred_at, x.batch_id, x.event_index, x.tab_id, x.page_url,
           x.kind, x.reason, x.selector, x.evidence, x.rule_version
    FROM found x
    ORDER BY x.user_session_id, x.occurred_at, x.batch_id, x.event_index
    ON CONFLICT ON CONSTRAINT frustration_signals_pkey DO NOTHING
    RETURNING f.user_session_id, f.kind
  ),
  -- Signals stored before this statement (the INSERT above skips them): newer evidence, if any.
  refreshed AS (
    UPDATE public.frustration_signals f SET evidence = x.evidence, reason = x.reason
    FROM (SELECT * FROM found OFFSET 0) x
    WHERE f.user_session_id = x.user_session_id AND f.occurred_at = x.occurred_at
      AND f.batch_id = x.batch_id AND f.event_index = x.event_index AND f.kind = x.kind
      AND f.rule_version = x.rule_version
      AND f.occurred_at BETWEEN v_lo60 AND v_hi60
      AND (f.evidence IS DISTINCT FROM x.evidence OR f.reason IS DISTINCT FROM x.reason)
    RETURNING 1
  )
  SELECT i.user_session_id, i.kind FROM inserted i;
END
$$;
