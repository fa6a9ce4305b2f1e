-- 0007_enable_row_security: grants, RLS (ENABLE + FORCE) and policies on
-- every tenant table, then the same on existing partitions.
--
-- sightline_service (collector ingest/write): service_all, sees everything.
-- sightline_analyst (read-only): analyst_read, only the tenant in
--   `SET LOCAL app.company_id = '<uuid>'`; unset => zero rows (fail closed).
-- FORCE makes the table owner subject to policies too; the owner passes via
-- its membership in sightline_service (granted in 0001).
-- The (select ...) wrappers make the tenant lookups InitPlans evaluated once
-- per statement. The ::uuid[] cast is required: without it
-- `= ANY ((select ...))` parses as ANY(subquery) and compares uuid = uuid[].
-- sightline_migrations (runner-owned) is not touched.

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO sightline_service;

-- companies
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.companies TO sightline_service;
GRANT SELECT ON TABLE public.companies TO sightline_analyst;
ALTER TABLE public.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.companies FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.companies FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.companies FOR SELECT TO sightline_analyst
  USING (id = (select public.sightline_company_id()));

-- sites
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.sites TO sightline_service;
GRANT SELECT ON TABLE public.sites TO sightline_analyst;
ALTER TABLE public.sites ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.sites FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.sites FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.sites FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- api_keys
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.api_keys TO sightline_service;
GRANT SELECT ON TABLE public.api_keys TO sightline_analyst;
ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.api_keys FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.api_keys FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- personas
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.personas TO sightline_service;
GRANT SELECT ON TABLE public.personas TO sightline_analyst;
ALTER TABLE public.personas ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.personas FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.personas FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.personas FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- test_runs
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.test_runs TO sightline_service;
GRANT SELECT ON TABLE public.test_runs TO sightline_analyst;
ALTER TABLE public.test_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.test_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.test_runs FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.test_runs FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- human_testers
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.human_testers TO sightline_service;
GRANT SELECT ON TABLE public.human_testers TO sightline_analyst;
ALTER TABLE public.human_testers ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.human_testers FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.human_testers FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.human_testers FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- issues
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.issues TO sightline_service;
GRANT SELECT ON TABLE public.issues TO sightline_analyst;
ALTER TABLE public.issues ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.issues FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.issues FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.issues FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- activity_log
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.activity_log TO sightline_service;
GRANT SELECT ON TABLE public.activity_log TO sightline_analyst;
ALTER TABLE public.activity_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.activity_log FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.activity_log FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.activity_log FOR SELECT TO sightline_analyst
  USING (company_id = (select public.sightline_company_id()));

-- user_sessions
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.user_sessions TO sightline_service;
GRANT SELECT ON TABLE public.user_sessions TO sightline_analyst;
ALTER TABLE public.user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.user_sessions FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.user_sessions FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- ingested_batches
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.ingested_batches TO sightline_service;
GRANT SELECT ON TABLE public.ingested_batches TO sightline_analyst;
ALTER TABLE public.ingested_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ingested_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.ingested_batches FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.ingested_batches FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- page_performance
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.page_performance TO sightline_service;
GRANT SELECT ON TABLE public.page_performance TO sightline_analyst;
ALTER TABLE public.page_performance ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.page_performance FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.page_performance FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.page_performance FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- scroll_events
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.scroll_events TO sightline_service;
GRANT SELECT ON TABLE public.scroll_events TO sightline_analyst;
ALTER TABLE public.scroll_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.scroll_events FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.scroll_events FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.scroll_events FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- click_events
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.click_events TO sightline_service;
GRANT SELECT ON TABLE public.click_events TO sightline_analyst;
ALTER TABLE public.click_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.click_events FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.click_events FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.click_events FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- form_interactions
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.form_interactions TO sightline_service;
GRANT SELECT ON TABLE public.form_interactions TO sightline_analyst;
ALTER TABLE public.form_interactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.form_interactions FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.form_interactions FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.form_interactions FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- rage_click_incidents
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.rage_click_incidents TO sightline_service;
GRANT SELECT ON TABLE public.rage_click_incidents TO sightline_analyst;
ALTER TABLE public.rage_click_incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.rage_click_incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.rage_click_incidents FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.rage_click_incidents FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- mouse_movements
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.mouse_movements TO sightline_service;
GRANT SELECT ON TABLE public.mouse_movements TO sightline_analyst;
ALTER TABLE public.mouse_movements ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.mouse_movements FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.mouse_movements FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.mouse_movements FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- keyboard_events
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.keyboard_events TO sightline_service;
GRANT SELECT ON TABLE public.keyboard_events TO sightline_analyst;
ALTER TABLE public.keyboard_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.keyboard_events FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.keyboard_events FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.keyboard_events FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- visibility_changes
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.visibility_changes TO sightline_service;
GRANT SELECT ON TABLE public.visibility_changes TO sightline_analyst;
ALTER TABLE public.visibility_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.visibility_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.visibility_changes FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.visibility_changes FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- network_requests
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.network_requests TO sightline_service;
GRANT SELECT ON TABLE public.network_requests TO sightline_analyst;
ALTER TABLE public.network_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.network_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.network_requests FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.network_requests FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- console_logs
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.console_logs TO sightline_service;
GRANT SELECT ON TABLE public.console_logs TO sightline_analyst;
ALTER TABLE public.console_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.console_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.console_logs FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.console_logs FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- javascript_errors
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.javascript_errors TO sightline_service;
GRANT SELECT ON TABLE public.javascript_errors TO sightline_analyst;
ALTER TABLE public.javascript_errors ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.javascript_errors FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.javascript_errors FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.javascript_errors FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- element_visibility
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.element_visibility TO sightline_service;
GRANT SELECT ON TABLE public.element_visibility TO sightline_analyst;
ALTER TABLE public.element_visibility ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.element_visibility FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.element_visibility FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.element_visibility FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- replay_segments
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.replay_segments TO sightline_service;
GRANT SELECT ON TABLE public.replay_segments TO sightline_analyst;
ALTER TABLE public.replay_segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.replay_segments FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.replay_segments FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.replay_segments FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- page_views
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.page_views TO sightline_service;
GRANT SELECT ON TABLE public.page_views TO sightline_analyst;
ALTER TABLE public.page_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.page_views FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.page_views FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.page_views FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- custom_events
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.custom_events TO sightline_service;
GRANT SELECT ON TABLE public.custom_events TO sightline_analyst;
ALTER TABLE public.custom_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.custom_events FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.custom_events FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.custom_events FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- frustration_signals
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.frustration_signals TO sightline_service;
GRANT SELECT ON TABLE public.frustration_signals TO sightline_analyst;
ALTER TABLE public.frustration_signals ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.frustration_signals FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.frustration_signals FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.frustration_signals FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- client_reports
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.client_reports TO sightline_service;
GRANT SELECT ON TABLE public.client_reports TO sightline_analyst;
ALTER TABLE public.client_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.client_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY service_all ON public.client_reports FOR ALL TO sightline_service USING (true) WITH CHECK (true);
CREATE POLICY analyst_read ON public.client_reports FOR SELECT TO sightline_analyst
  USING (site_id = ANY ((select public.sightline_visible_site_ids())::uuid[]));

-- Existing daily partitions mirror their parent's RLS, policies and grants
-- (new ones get this from sightline_ensure_partitions).
SELECT public.sightline_sync_partition_security(i.inhrelid::regclass)
FROM pg_catalog.pg_inherits i
WHERE i.inhparent IN (SELECT public.sightline_partitioned_tables());
