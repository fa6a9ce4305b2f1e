-- Down for 0001_create_roles.
-- The roles sightline_service / sightline_analyst and the owner's membership
-- in them are CLUSTER-global and shared with other databases on the same
-- cluster, so they are deliberately NOT dropped or revoked here. Only what
-- this database granted/created is undone.

DROP FUNCTION public.sightline_company_id();

REVOKE USAGE ON SCHEMA public FROM sightline_service, sightline_analyst;
