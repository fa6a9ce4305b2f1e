-- 0010_notify_live: NOTIFY on channel sightline_live when a session is first stored and when a
-- frustration signal is stored, for GET /v1/live (apps/collector/src/routes/live.ts).
--
-- Statement-level triggers with transition tables: one trigger call per INSERT or COPY statement,
-- whatever the number of rows, so the ingest path (COPY, group commit) pays one call per statement.
-- A notification is delivered when the writing transaction commits, never for a rolled-back one.
-- The payload names the company so the collector can fan out per tenant; it carries ids and short
-- fields only, cut to stay far below the 8,000-byte NOTIFY limit. An INSERT ... ON CONFLICT DO UPDATE
-- lists only the rows it inserted in the INSERT transition table, so a session is announced once.

CREATE FUNCTION public.sightline_notify_live_sessions()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify('sightline_live', json_build_object(
    'type', 'session', 'companyId', s.company_id, 'id', n.id, 'siteId', n.site_id, 'actor', n.actor,
    'startedAt', n.started_at, 'entryUrl', left(n.entry_url, 2000))::text)
  FROM new_rows n JOIN public.sites s ON s.id = n.site_id;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION public.sightline_notify_live_sessions() IS 'NOTIFY sightline_live {type: session, companyId, id, siteId, actor, startedAt, entryUrl} per new user_sessions row.';

CREATE TRIGGER user_sessions_notify_live
  AFTER INSERT ON public.user_sessions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.sightline_notify_live_sessions();

CREATE FUNCTION public.sightline_notify_live_signals()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify('sightline_live', json_build_object(
    'type', 'signal', 'companyId', s.company_id, 'sessionId', n.user_session_id, 'siteId', n.site_id,
    'kind', n.kind, 'selector', left(n.selector, 1000), 'pageUrl', left(n.page_url, 2000),
    'at', n.occurred_at)::text)
  FROM new_rows n JOIN public.sites s ON s.id = n.site_id;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION public.sightline_notify_live_signals() IS 'NOTIFY sightline_live {type: signal, companyId, sessionId, siteId, kind, selector, pageUrl, at} per new frustration_signals row.';

-- On the partitioned parent: fires for rows routed to any partition, present or future.
CREATE TRIGGER frustration_signals_notify_live
  AFTER INSERT ON public.frustration_signals
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.sightline_notify_live_signals();
