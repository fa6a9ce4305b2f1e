-- 0003_create_testing: AI personas, test runs, human testers, issues and the
-- activity log (the JSONB-heavy part of the schema).

-- Minimal structural contract for persona documents.
CREATE FUNCTION public.validate_persona(p jsonb)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT coalesce(
    jsonb_typeof(p) = 'object'
    AND p ? 'name'
    AND p ? 'age'
    AND p ? 'techLiteracy'
    AND p ? 'goals'
    AND jsonb_typeof(p -> 'goals') = 'array',
    false)
$$;

COMMENT ON FUNCTION public.validate_persona(jsonb) IS 'True when a persona document has name, age, techLiteracy and an array of goals.';

CREATE TABLE public.personas (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  name       text        NOT NULL,
  persona    jsonb       NOT NULL CONSTRAINT personas_valid_persona CHECK (public.validate_persona(persona)),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT personas_id_company_id_key UNIQUE (id, company_id)
);

CREATE INDEX personas_company_id_idx ON public.personas (company_id);
CREATE INDEX personas_persona_gin ON public.personas USING gin (persona);

COMMENT ON TABLE public.personas IS 'Reusable persona definitions (JSONB validated by validate_persona) used to drive automated test runs.';

CREATE TABLE public.test_runs (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id       uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  site_id          uuid,
  persona_id       uuid,
  name             text        NOT NULL,
  status           text        NOT NULL DEFAULT 'running'
                               CHECK (status IN ('running', 'passed', 'failed', 'aborted')),
  persona          jsonb       CONSTRAINT test_runs_valid_persona
                               CHECK (persona IS NULL OR public.validate_persona(persona)),
  platform_details jsonb,
  test_config      jsonb,
  ai_metadata      jsonb,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT test_runs_id_company_id_key UNIQUE (id, company_id),
  -- referenced site/persona must belong to the same company; deleting them
  -- only clears the reference (PG15+ column list for SET NULL)
  CONSTRAINT test_runs_site_fkey FOREIGN KEY (site_id, company_id)
    REFERENCES public.sites (id, company_id) ON DELETE SET NULL (site_id),
  CONSTRAINT test_runs_persona_fkey FOREIGN KEY (persona_id, company_id)
    REFERENCES public.personas (id, company_id) ON DELETE SET NULL (persona_id)
);

CREATE INDEX test_runs_company_id_started_at_idx ON public.test_runs (company_id, started_at DESC);
CREATE INDEX test_runs_site_id_idx ON public.test_runs (site_id) WHERE site_id IS NOT NULL;
CREATE INDEX test_runs_persona_id_idx ON public.test_runs (persona_id) WHERE persona_id IS NOT NULL;
CREATE INDEX test_runs_persona_gin ON public.test_runs USING gin (persona);
CREATE INDEX test_runs_platform_details_gin ON public.test_runs USING gin (platform_details);
CREATE INDEX test_runs_test_config_gin ON public.test_runs USING gin (test_config);
CREATE INDEX test_runs_ai_metadata_gin ON public.test_runs USING gin (ai_metadata);

COMMENT ON TABLE public.test_runs IS 'One automated (AI persona) or scripted test run against a site, with persona snapshot, platform, config and AI model metadata.';

CREATE TABLE public.human_testers (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id  uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  name        text        NOT NULL,
  email       text,
  preferences jsonb       NOT NULL DEFAULT '{}'::jsonb,
  stats       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX human_testers_company_id_idx ON public.human_testers (company_id);
CREATE INDEX human_testers_preferences_gin ON public.human_testers USING gin (preferences);
CREATE INDEX human_testers_stats_gin ON public.human_testers USING gin (stats);

COMMENT ON TABLE public.human_testers IS 'Human testers of a company with JSONB preferences and cached stats.';

CREATE TABLE public.issues (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id      uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  test_run_id     uuid,
  -- no FK: user_sessions may be distributed (Citus) and is pruned by retention
  user_session_id uuid,
  title           text        NOT NULL,
  severity        text        CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  status          text        NOT NULL DEFAULT 'open',
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT issues_test_run_fkey FOREIGN KEY (test_run_id, company_id)
    REFERENCES public.test_runs (id, company_id) ON DELETE SET NULL (test_run_id)
);

CREATE INDEX issues_company_id_created_at_idx ON public.issues (company_id, created_at DESC);
CREATE INDEX issues_test_run_id_idx ON public.issues (test_run_id) WHERE test_run_id IS NOT NULL;
CREATE INDEX issues_user_session_id_idx ON public.issues (user_session_id) WHERE user_session_id IS NOT NULL;
CREATE INDEX issues_metadata_gin ON public.issues USING gin (metadata);

COMMENT ON TABLE public.issues IS 'Problems found by a test run or in a recorded user session, with JSONB repro metadata.';

CREATE TABLE public.activity_log (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id    uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  user_id       uuid,
  user_type     text        CHECK (user_type IN ('company', 'tester', 'admin', 'automation')),
  action        text        NOT NULL,
  resource_type text,
  resource_id   uuid,
  metadata      jsonb,
  ip_address    inet,
  user_agent    text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX activity_log_company_id_created_at_idx ON public.activity_log (company_id, created_at DESC);
CREATE INDEX activity_log_user_id_idx ON public.activity_log (user_id);
CREATE INDEX activity_log_resource_idx ON public.activity_log (resource_type, resource_id);
CREATE INDEX activity_log_metadata_gin ON public.activity_log USING gin (metadata);

COMMENT ON TABLE public.activity_log IS 'Append-only audit trail of actions by company users, testers, admins and automation.';
