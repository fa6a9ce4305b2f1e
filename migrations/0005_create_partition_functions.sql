-- 0005_create_partition_functions: daily range-partition management and
-- retention helpers for the session-recording tables (created in 0006, which
-- calls sightline_ensure_partitions, so these functions come first).
--
-- Partition naming: <parent>_pYYYYMMDD holds [YYYY-MM-DD 00:00 UTC, next day
-- 00:00 UTC). Bounds are written as explicit +00 literals, so they are UTC
-- midnight whatever the session TimeZone is.

-- Partitioned parents in schema public.
CREATE FUNCTION public.sightline_partitioned_tables()
RETURNS SETOF regclass
LANGUAGE sql
STABLE
AS $$
  SELECT c.oid::regclass
  FROM pg_catalog.pg_partitioned_table pt
  JOIN pg_catalog.pg_class c ON c.oid = pt.partrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public'
    AND c.relkind = 'p'
    AND NOT c.relispartition
  ORDER BY c.relname
$$;

COMMENT ON FUNCTION public.sightline_partitioned_tables() IS 'Partitioned parent tables in schema public (the session-recording tables).';

-- Make a partition mirror its parent's security: RLS enabled + forced, the
-- same grants and the same policies. Queries through the parent only use the
-- parent's policies; this keeps direct access to a partition equally safe.
CREATE FUNCTION public.sightline_sync_partition_security(p_partition regclass)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  v_parent oid;
  v_owner  oid;
  r        record;
  v_sql    text;
BEGIN
  SELECT i.inhparent INTO v_parent
  FROM pg_catalog.pg_inherits i
  WHERE i.inhrelid = p_partition;
  IF v_parent IS NULL THEN
    RAISE EXCEPTION '% is not a partition', p_partition;
  END IF;

  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_partition);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_partition);

  -- policies: drop the partition's, recreate the parent's
  FOR r IN SELECT polname FROM pg_catalog.pg_policy WHERE polrelid = p_partition LOOP
    EXECUTE format('DROP POLICY %I ON %s', r.polname, p_partition);
  END LOOP;
  FOR r IN
    SELECT p.polname, p.polpermissive,
           CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                         WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS cmd,
           (SELECT string_agg(CASE WHEN ro = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(ro)) END, ', ')
              FROM unnest(p.polroles) AS ro) AS roles,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual,
           pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS withcheck
    FROM pg_catalog.pg_policy p
    WHERE p.polrelid = v_parent
    ORDER BY p.polname
  LOOP
    v_sql := format('CREATE POLICY %I ON %s AS %s FOR %s TO %s',
                    r.polname, p_partition,
                    CASE WHEN r.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                    r.cmd, r.roles);
    IF r.qual IS NOT NULL THEN
      v_sql := v_sql || format(' USING (%s)', r.qual);
    END IF;
    IF r.withcheck IS NOT NULL THEN
      v_sql := v_sql || format(' WITH CHECK (%s)', r.withcheck);
    END IF;
    EXECUTE v_sql;
  END LOOP;

  -- grants: revoke the partition's, re-grant the parent's (owner excluded)
  SELECT relowner INTO v_owner FROM pg_catalog.pg_class WHERE oid = p_partition;
  FOR r IN
    SELECT DISTINCT a.grantee
    FROM pg_catalog.pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = p_partition AND a.grantee <> v_owner
  LOOP
    EXECUTE format('REVOKE ALL ON TABLE %s FROM %s', p_partition,
                   CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.grantee)) END);
  END LOOP;
  FOR r IN
    SELECT a.grantee, string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privs
    FROM pg_catalog.pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = v_parent AND a.grantee <> c.relowner
    GROUP BY a.grantee
  LOOP
    EXECUTE format('GRANT %s ON TABLE %s TO %s', r.privs, p_partition,
                   CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.grantee)) END);
  END LOOP;
END
$$;

COMMENT ON FUNCTION public.sightline_sync_partition_security(regclass) IS 'Enable+force RLS on a partition and copy its parent''s policies and grants onto it.';

-- Create the missing daily partitions for every day in [p_from, p_to] on
-- every partitioned parent. Returns the number of partitions created.
-- Race-safe: serialised by a transaction-level advisory lock, and a
-- concurrently created partition (duplicate_table) is skipped.
CREATE FUNCTION public.sightline_ensure_partitions(p_from date, p_to date)
RETURNS int
LANGUAGE plpgsql
AS $$
DECLARE
  v_parent  regclass;
  v_relname text;
  v_day     date;
  v_name    text;
  v_created int := 0;
BEGIN
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION 'sightline_ensure_partitions: p_from and p_to are required';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('sightline_partitions'));

  FOR v_parent IN SELECT t FROM public.sightline_partitioned_tables() AS t LOOP
    SELECT relname INTO v_relname FROM pg_catalog.pg_class WHERE oid = v_parent;
    v_day := p_from;
    WHILE v_day <= p_to LOOP
      v_name := v_relname || '_p' || to_char(v_day, 'YYYYMMDD');
      IF to_regclass(format('public.%I', v_name)) IS NULL THEN
        BEGIN
          EXECUTE format(
            'CREATE TABLE public.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
            v_name, v_parent,
            to_char(v_day, 'YYYY-MM-DD') || ' 00:00:00+00',
            to_char(v_day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
          PERFORM public.sightline_sync_partition_security(format('public.%I', v_name)::regclass);
          v_created := v_created + 1;
        EXCEPTION WHEN duplicate_table THEN
          NULL; -- created concurrently
        END;
      END IF;
      v_day := v_day + 1;
    END LOOP;
  END LOOP;
  RETURN v_created;
END
$$;

COMMENT ON FUNCTION public.sightline_ensure_partitions(date, date) IS 'Create missing daily UTC partitions <table>_pYYYYMMDD for every day in [p_from, p_to]; returns how many were created.';

-- Drop (or with p_dry_run just list) every daily partition whose upper
-- bound (day + 1, UTC midnight) is <= p_before. The bound is read from the
-- partition name suffix, which sightline_ensure_partitions controls.
CREATE FUNCTION public.sightline_drop_partitions_before(p_before date, p_dry_run boolean DEFAULT true)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
  r record;
BEGIN
  IF p_before IS NULL THEN
    RAISE EXCEPTION 'sightline_drop_partitions_before: p_before is required';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('sightline_partitions'));

  FOR r IN
    SELECT c.oid::regclass AS part, c.relname::text AS relname,
           to_date(substring(c.relname FROM '_p([0-9]{8})$'), 'YYYYMMDD') AS day
    FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
    JOIN pg_catalog.pg_namespace n ON n.oid = p.relnamespace
    WHERE n.nspname = 'public'
      AND p.relkind = 'p'
      AND c.relname ~ '_p[0-9]{8}$'
      AND left(c.relname, length(c.relname) - 10) = p.relname
    ORDER BY day, c.relname
  LOOP
    IF r.day + 1 <= p_before THEN
      IF NOT coalesce(p_dry_run, true) THEN
        EXECUTE format('DROP TABLE %s', r.part);
      END IF;
      RETURN NEXT r.relname;
    END IF;
  END LOOP;
END
$$;

COMMENT ON FUNCTION public.sightline_drop_partitions_before(date, boolean) IS 'Drop (or, when p_dry_run, list) daily partitions whose upper bound is <= p_before; returns partition names.';

-- Partitions may be dropped once they are older than the LONGEST retention of
-- any site: returns the p_before to pass to sightline_drop_partitions_before.
CREATE FUNCTION public.sightline_retention_cutoff()
RETURNS date
LANGUAGE sql
STABLE
AS $$
  SELECT current_date - coalesce(max(s.retention_days), 30)
  FROM public.sites s
$$;

COMMENT ON FUNCTION public.sightline_retention_cutoff() IS 'current_date minus the longest site retention (30 when there are no sites): whole partitions ending on or before it may be dropped.';

-- Per-site retention shorter than the longest one: delete that site's rows
-- older than p_before from every partitioned table, its batch ledger and its
-- sessions that were last seen before p_before. Returns rows deleted.
CREATE FUNCTION public.sightline_delete_site_data_before(p_site_id uuid, p_before timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
  v_parent regclass;
  v_n      bigint;
  v_total  bigint := 0;
BEGIN
  FOR v_parent IN SELECT t FROM public.sightline_partitioned_tables() AS t LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
               WHERE attrelid = v_parent AND attname = 'site_id' AND NOT attisdropped)
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                   WHERE attrelid = v_parent AND attname = 'occurred_at' AND NOT attisdropped) THEN
      EXECUTE format('DELETE FROM %s WHERE site_id = $1 AND occurred_at < $2', v_parent)
        USING p_site_id, p_before;
      GET DIAGNOSTICS v_n = ROW_COUNT;
      v_total := v_total + v_n;
    END IF;
  END LOOP;

  DELETE FROM public.ingested_batches WHERE site_id = p_site_id AND received_at < p_before;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_total := v_total + v_n;

  DELETE FROM public.user_sessions WHERE site_id = p_site_id AND last_seen_at < p_before;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  RETURN v_total + v_n;
END
$$;

COMMENT ON FUNCTION public.sightline_delete_site_data_before(uuid, timestamptz) IS 'Delete one site''s session data older than p_before (per-site retention shorter than the partition cutoff).';

-- Apply every site's own retention_days (run after dropping whole
-- partitions with sightline_retention_cutoff()). Returns rows deleted.
CREATE FUNCTION public.sightline_apply_site_retention(p_now timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
  r       record;
  v_max   int;
  v_total bigint := 0;
BEGIN
  SELECT max(retention_days) INTO v_max FROM public.sites;
  FOR r IN SELECT id, retention_days FROM public.sites WHERE retention_days < v_max ORDER BY id LOOP
    v_total := v_total + public.sightline_delete_site_data_before(r.id, p_now - make_interval(days => r.retention_days));
  END LOOP;
  RETURN v_total;
END
$$;

COMMENT ON FUNCTION public.sightline_apply_site_retention(timestamptz) IS 'Delete, per site, data older than that site''s retention_days when it is shorter than the longest one.';
