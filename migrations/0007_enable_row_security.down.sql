-- Down for 0007_enable_row_security (reverse order of the up file).
-- Only this database's grants/policies are removed; the cluster-global roles
-- stay (see 0001).

-- client_reports
DROP POLICY analyst_read ON public.client_reports;
DROP POLICY service_all ON public.client_reports;
ALTER TABLE public.client_reports NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.client_reports DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.client_reports FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.client_reports FROM sightline_service;

-- frustration_signals
DROP POLICY analyst_read ON public.frustration_signals;
DROP POLICY service_all ON public.frustration_signals;
ALTER TABLE public.frustration_signals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.frustration_signals DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.frustration_signals FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.frustration_signals FROM sightline_service;

-- custom_events
DROP POLICY analyst_read ON public.custom_events;
DROP POLICY service_all ON public.custom_events;
ALTER TABLE public.custom_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.custom_events DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.custom_events FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.custom_events FROM sightline_service;

-- page_views
DROP POLICY analyst_read ON public.page_views;
DROP POLICY service_all ON public.page_views;
ALTER TABLE public.page_views NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.page_views DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.page_views FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.page_views FROM sightline_service;

-- replay_segments
DROP POLICY analyst_read ON public.replay_segments;
DROP POLICY service_all ON public.replay_segments;
ALTER TABLE public.replay_segments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.replay_segments DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.replay_segments FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.replay_segments FROM sightline_service;

-- element_visibility
DROP POLICY analyst_read ON public.element_visibility;
DROP POLICY service_all ON public.element_visibility;
ALTER TABLE public.element_visibility NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.element_visibility DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.element_visibility FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.element_visibility FROM sightline_service;

-- javascript_errors
DROP POLICY analyst_read ON public.javascript_errors;
DROP POLICY service_all ON public.javascript_errors;
ALTER TABLE public.javascript_errors NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.javascript_errors DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.javascript_errors FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.javascript_errors FROM sightline_service;

-- console_logs
DROP POLICY analyst_read ON public.console_logs;
DROP POLICY service_all ON public.console_logs;
ALTER TABLE public.console_logs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.console_logs DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.console_logs FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.console_logs FROM sightline_service;

-- network_requests
DROP POLICY analyst_read ON public.network_requests;
DROP POLICY service_all ON public.network_requests;
ALTER TABLE public.network_requests NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.network_requests DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.network_requests FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.network_requests FROM sightline_service;

-- visibility_changes
DROP POLICY analyst_read ON public.visibility_changes;
DROP POLICY service_all ON public.visibility_changes;
ALTER TABLE public.visibility_changes NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.visibility_changes DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.visibility_changes FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.visibility_changes FROM sightline_service;

-- keyboard_events
DROP POLICY analyst_read ON public.keyboard_events;
DROP POLICY service_all ON public.keyboard_events;
ALTER TABLE public.keyboard_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.keyboard_events DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.keyboard_events FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.keyboard_events FROM sightline_service;

-- mouse_movements
DROP POLICY analyst_read ON public.mouse_movements;
DROP POLICY service_all ON public.mouse_movements;
ALTER TABLE public.mouse_movements NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.mouse_movements DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.mouse_movements FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.mouse_movements FROM sightline_service;

-- rage_click_incidents
DROP POLICY analyst_read ON public.rage_click_incidents;
DROP POLICY service_all ON public.rage_click_incidents;
ALTER TABLE public.rage_click_incidents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.rage_click_incidents DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.rage_click_incidents FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.rage_click_incidents FROM sightline_service;

-- form_interactions
DROP POLICY analyst_read ON public.form_interactions;
DROP POLICY service_all ON public.form_interactions;
ALTER TABLE public.form_interactions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.form_interactions DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.form_interactions FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.form_interactions FROM sightline_service;

-- click_events
DROP POLICY analyst_read ON public.click_events;
DROP POLICY service_all ON public.click_events;
ALTER TABLE public.click_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.click_events DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.click_events FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.click_events FROM sightline_service;

-- scroll_events
DROP POLICY analyst_read ON public.scroll_events;
DROP POLICY service_all ON public.scroll_events;
ALTER TABLE public.scroll_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.scroll_events DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.scroll_events FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.scroll_events FROM sightline_service;

-- page_performance
DROP POLICY analyst_read ON public.page_performance;
DROP POLICY service_all ON public.page_performance;
ALTER TABLE public.page_performance NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.page_performance DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.page_performance FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.page_performance FROM sightline_service;

-- ingested_batches
DROP POLICY analyst_read ON public.ingested_batches;
DROP POLICY service_all ON public.ingested_batches;
ALTER TABLE public.ingested_batches NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.ingested_batches DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.ingested_batches FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.ingested_batches FROM sightline_service;

-- user_sessions
DROP POLICY analyst_read ON public.user_sessions;
DROP POLICY service_all ON public.user_sessions;
ALTER TABLE public.user_sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.user_sessions DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.user_sessions FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.user_sessions FROM sightline_service;

-- activity_log
DROP POLICY analyst_read ON public.activity_log;
DROP POLICY service_all ON public.activity_log;
ALTER TABLE public.activity_log NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.activity_log DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.activity_log FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.activity_log FROM sightline_service;

-- issues
DROP POLICY analyst_read ON public.issues;
DROP POLICY service_all ON public.issues;
ALTER TABLE public.issues NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.issues DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.issues FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.issues FROM sightline_service;

-- human_testers
DROP POLICY analyst_read ON public.human_testers;
DROP POLICY service_all ON public.human_testers;
ALTER TABLE public.human_testers NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.human_testers DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.human_testers FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.human_testers FROM sightline_service;

-- test_runs
DROP POLICY analyst_read ON public.test_runs;
DROP POLICY service_all ON public.test_runs;
ALTER TABLE public.test_runs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.test_runs DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.test_runs FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.test_runs FROM sightline_service;

-- personas
DROP POLICY analyst_read ON public.personas;
DROP POLICY service_all ON public.personas;
ALTER TABLE public.personas NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.personas DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.personas FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.personas FROM sightline_service;

-- api_keys
DROP POLICY analyst_read ON public.api_keys;
DROP POLICY service_all ON public.api_keys;
ALTER TABLE public.api_keys NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.api_keys DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.api_keys FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.api_keys FROM sightline_service;

-- sites
DROP POLICY analyst_read ON public.sites;
DROP POLICY service_all ON public.sites;
ALTER TABLE public.sites NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.sites DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.sites FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.sites FROM sightline_service;

-- companies
DROP POLICY analyst_read ON public.companies;
DROP POLICY service_all ON public.companies;
ALTER TABLE public.companies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.companies DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON TABLE public.companies FROM sightline_analyst;
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE public.companies FROM sightline_service;

REVOKE USAGE ON ALL SEQUENCES IN SCHEMA public FROM sightline_service;

-- Re-sync partitions with their (now policy- and grant-less) parents; their
-- own RLS stays enabled + forced as created by sightline_ensure_partitions.
SELECT public.sightline_sync_partition_security(i.inhrelid::regclass)
FROM pg_catalog.pg_inherits i
WHERE i.inhparent IN (SELECT public.sightline_partitioned_tables());
