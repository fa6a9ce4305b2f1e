-- 0002_create_tenancy: companies (tenants), their sites, and API keys,
-- plus sightline_visible_site_ids() used by site-scoped RLS policies.

CREATE TABLE public.companies (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL,
  preferences jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX companies_preferences_gin ON public.companies USING gin (preferences);

COMMENT ON TABLE public.companies IS 'Tenants; every other row belongs to exactly one company directly (company_id) or through a site (site_id).';

CREATE TABLE public.sites (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id      uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  name            text        NOT NULL,
  allowed_origins text[]      NOT NULL DEFAULT '{}',
  retention_days  int         NOT NULL DEFAULT 30 CHECK (retention_days BETWEEN 1 AND 3650),
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- target for composite foreign keys that keep child rows inside one tenant
  CONSTRAINT sites_id_company_id_key UNIQUE (id, company_id)
);

CREATE INDEX sites_company_id_idx ON public.sites (company_id);

COMMENT ON TABLE public.sites IS 'Recorded websites/apps of a company; allowed_origins gates ingest, retention_days bounds how long session data is kept.';

CREATE TABLE public.api_keys (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id       uuid        NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  site_id          uuid,
  kind             text        NOT NULL CHECK (kind IN ('site', 'read', 'admin')),
  key_hash         bytea       NOT NULL CHECK (octet_length(key_hash) = 32),
  key_prefix       text        NOT NULL,
  label            text,
  allow_automation boolean     NOT NULL DEFAULT true,
  allow_no_origin  boolean     NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz,
  last_used_at     timestamptz,
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
  CONSTRAINT api_keys_site_kind_needs_site CHECK (kind <> 'site' OR site_id IS NOT NULL),
  -- the site must belong to the same company as the key
  CONSTRAINT api_keys_site_fkey FOREIGN KEY (site_id, company_id)
    REFERENCES public.sites (id, company_id) ON DELETE CASCADE
);

CREATE INDEX api_keys_company_id_idx ON public.api_keys (company_id);
CREATE INDEX api_keys_site_id_idx ON public.api_keys (site_id) WHERE site_id IS NOT NULL;

COMMENT ON TABLE public.api_keys IS 'API keys (site = ingest, read, admin); only the SHA-256 of the secret (key_hash) and a display prefix are stored.';
COMMENT ON COLUMN public.api_keys.key_hash IS 'sha256(secret), 32 bytes; the secret itself is never stored.';
COMMENT ON COLUMN public.api_keys.key_prefix IS 'First characters of the secret, shown in key listings.';

-- Site ids of the current tenant (empty array when app.company_id is unset).
-- SECURITY DEFINER so site-scoped policies do not depend on the caller being
-- able to read `sites`; the owner reads sites through its service membership.
CREATE FUNCTION public.sightline_visible_site_ids()
RETURNS uuid[]
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT coalesce(array_agg(s.id), '{}'::uuid[])
  FROM public.sites s
  WHERE s.company_id = public.sightline_company_id()
$$;

COMMENT ON FUNCTION public.sightline_visible_site_ids() IS 'Ids of the sites of the company in app.company_id; empty when unset. Used by site-scoped RLS policies.';
