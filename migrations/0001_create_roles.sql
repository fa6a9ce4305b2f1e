-- 0001_create_roles: cluster-wide roles, role membership for the migrating
-- (owner) user, schema usage, and the tenant-context helper function.
--
-- Roles are CLUSTER-global. Several databases on one cluster (e.g. parallel
-- test workers) may run this file at the same time, so each CREATE ROLE is
-- guarded by a pg_roles check AND an exception handler for the race where
-- another session creates the role between the check and the CREATE.
-- The down migration never drops these roles (other databases use them).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'sightline_service') THEN
    BEGIN
      CREATE ROLE sightline_service NOLOGIN NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      RAISE NOTICE 'role sightline_service was created concurrently, skipping';
    END;
  END IF;
END
$$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'sightline_analyst') THEN
    BEGIN
      CREATE ROLE sightline_analyst NOLOGIN NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      RAISE NOTICE 'role sightline_analyst was created concurrently, skipping';
    END;
  END IF;
  -- The analyst role must never bypass RLS; fix a pre-existing role if needed.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'sightline_analyst' AND rolbypassrls) THEN
    ALTER ROLE sightline_analyst NOBYPASSRLS;
  END IF;
END
$$;

-- The migrating/owner user joins both roles: membership in sightline_service
-- makes the service_all policies apply to it even when it is not a superuser
-- (tables use FORCE ROW LEVEL SECURITY, so the owner is subject to policies),
-- and membership in sightline_analyst lets it `SET LOCAL ROLE sightline_analyst`.
-- Membership is cluster-global too, hence the same race handling.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['sightline_service', 'sightline_analyst'] LOOP
    IF NOT EXISTS (
      SELECT 1
      FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
      JOIN pg_catalog.pg_roles u ON u.oid = m.member
      WHERE g.rolname = r AND u.rolname = current_user
    ) THEN
      BEGIN
        EXECUTE format('GRANT %I TO CURRENT_USER', r);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN
          RAISE NOTICE 'membership in % was granted concurrently, skipping', r;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'cannot grant role % to %', r, current_user
            USING HINT = 'Run as a superuser, or have an admin of the role run: GRANT ' || r || ' TO ' || current_user;
      END;
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO sightline_service, sightline_analyst;

-- Tenant context: `SET LOCAL app.company_id = '<uuid>'`. After a SET LOCAL
-- ends the GUC reverts to '' (not NULL), hence nullif. Unset => NULL =>
-- policies compare with NULL => zero rows (fail closed).
CREATE FUNCTION public.sightline_company_id()
RETURNS uuid
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $$
  SELECT nullif(current_setting('app.company_id', true), '')::uuid
$$;

COMMENT ON FUNCTION public.sightline_company_id() IS 'Tenant of the current transaction from the app.company_id GUC; NULL when unset (RLS then fails closed).';
