-- 0013_create_signal_rules_guard: the collector calls the signal rules through this guard, so that a
-- failing rule (a bug, a deadlock with another writer, …) costs the derived signals of one group
-- commit, never the batches themselves: the rules run in a subtransaction that is rolled back on any
-- error, and the error comes back as one row (user_session_id NULL, kind = 'SQLSTATE: message') for
-- the collector to log. The signals can be derived again later with sightline_derive_session_signals().
-- A cancelled query (statement timeout, shutdown) is not caught and fails the transaction as before.

CREATE FUNCTION public.sightline_derive_signals_guarded(p_batches jsonb)
RETURNS TABLE (user_session_id uuid, kind text)
LANGUAGE plpgsql
AS $$
DECLARE
  v_rows jsonb;
BEGIN
  BEGIN
    -- Collected first: rows are returned only once every rule has succeeded.
    SELECT coalesce(jsonb_agg(jsonb_build_array(d.user_session_id, d.kind)), '[]'::jsonb) INTO v_rows
    FROM public.sightline_derive_signals(p_batches) AS d;
  EXCEPTION WHEN OTHERS THEN
    RETURN QUERY SELECT NULL::uuid, format('%s: %s', SQLSTATE, SQLERRM);
    RETURN;
  END;
  RETURN QUERY SELECT (r->>0)::uuid, r->>1 FROM jsonb_array_elements(v_rows) AS r;
END
$$;

COMMENT ON FUNCTION public.sightline_derive_signals_guarded(jsonb) IS 'sightline_derive_signals() in a subtransaction: on error its writes are undone and one row (NULL, ''SQLSTATE: message'') is returned instead.';
