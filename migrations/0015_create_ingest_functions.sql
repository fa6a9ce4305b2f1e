-- 0015_create_ingest_functions: what lets the collector send a whole group commit as one multi-statement
-- query (ADR 0017): a check that fails the transaction when a batch written optimistically turns out not
-- to be new, and the derived-signal step with the pre-checks and the summary update that ran in the
-- collector before (deriveInput() and addDerivedSignals() in apps/collector/src/ingest/summary.ts), so
-- that no decision waits for a round trip to the collector.

-- Raises SQLSTATE SL409 with the message unless p_ok is true. SL409 tells the collector that the batches
-- it took to be new (and of sessions of their own site) were not all: it then asks which ones and writes
-- the others again.
CREATE FUNCTION public.sightline_require(p_ok boolean, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_ok IS NOT TRUE THEN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'SL409';
  END IF;
END
$$;

COMMENT ON FUNCTION public.sightline_require(boolean, text) IS 'Raises SQLSTATE SL409 with the message unless the condition is true (the collector''s optimistic group commit).';

-- The derived signals of batches just stored, for the collector. p_batches holds, per batch, the rule
-- groups its own rows can trigger (s, b, tab, f, t and the flags of sightline_signal_batches()). A group
-- is asked for only when the session, as summed up in session_summaries after this transaction's upsert,
-- can hold its signal: clicks pair with a failed request or a rage incident of the session, a quick back
-- needs 3 page views, excessive scrolling 6 scroll samples. These pre-checks are exact, so no signal is
-- missed; they keep most batches of calm sessions away from the rules. The rules run guarded (0013):
-- on failure one row (NULL, 'SQLSTATE: message') is returned and nothing else changes. Otherwise the
-- signals found are added to their sessions' summaries and returned, one row each.
CREATE FUNCTION public.sightline_derive_for_ingest(p_batches jsonb)
RETURNS TABLE (user_session_id uuid, kind text)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  v_input jsonb;
  v_rows  jsonb;
BEGIN
  SELECT jsonb_agg(to_jsonb(x)) INTO v_input FROM (
    SELECT b.s, b.b, b.tab, b.f, b.t,
           b.click AND (ss.failed_request_count > 0
                        OR coalesce((ss.counts->>'rage_click_incidents')::int, 0) > 0) AS click,
           b.failed,
           b.pageview AND ss.page_views >= 3 AS pageview,
           b.scroll AND coalesce((ss.counts->>'scroll_events')::int, 0) >= 6 AS scroll,
           b.abandon, b.rage, b.mouse
    FROM public.sightline_signal_batches(p_batches) b
    JOIN public.session_summaries ss ON ss.user_session_id = b.s
  ) x
  WHERE x.click OR x.failed OR x.pageview OR x.scroll OR x.abandon OR x.rage OR x.mouse;
  IF v_input IS NULL THEN
    RETURN;
  END IF;

  SELECT coalesce(jsonb_agg(jsonb_build_array(d.user_session_id, d.kind)), '[]'::jsonb) INTO v_rows
  FROM public.sightline_derive_signals_guarded(v_input) AS d;
  IF v_rows @> '[[null]]' THEN
    -- A rule failed: its writes are undone; the error row goes back to the collector to be logged.
    RETURN QUERY SELECT NULL::uuid, r->>1 FROM jsonb_array_elements(v_rows) AS r WHERE r->>0 IS NULL;
    RETURN;
  END IF;

  UPDATE public.session_summaries s SET
    signals = public.sightline_jsonb_add_counts(s.signals, x.signals),
    signal_count = s.signal_count + x.n,
    counts = public.sightline_jsonb_add_counts(s.counts, jsonb_build_object('frustration_signals', x.n)),
    frustration_score = public.sightline_frustration_score(public.sightline_jsonb_add_counts(s.signals, x.signals)),
    updated_at = now()
  FROM (
    SELECT k.id, jsonb_object_agg(k.kind, k.n) AS signals, sum(k.n)::int AS n
    FROM (
      SELECT (r->>0)::uuid AS id, r->>1 AS kind, count(*) AS n
      FROM jsonb_array_elements(v_rows) AS r
      GROUP BY 1, 2
    ) k
    GROUP BY k.id
  ) x
  WHERE s.user_session_id = x.id;

  RETURN QUERY SELECT (r->>0)::uuid, r->>1 FROM jsonb_array_elements(v_rows) AS r;
END
$$;

COMMENT ON FUNCTION public.sightline_derive_for_ingest(jsonb) IS 'Derived signals of newly stored batches: pre-checks against session_summaries, sightline_derive_signals_guarded(), summaries updated; returns the signals, or one (NULL, ''SQLSTATE: message'') row when a rule failed.';
