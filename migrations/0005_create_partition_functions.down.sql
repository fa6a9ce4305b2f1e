-- Down for 0005_create_partition_functions (reverse order of the up file).

DROP FUNCTION public.sightline_apply_site_retention(timestamptz);

DROP FUNCTION public.sightline_delete_site_data_before(uuid, timestamptz);

DROP FUNCTION public.sightline_retention_cutoff();

DROP FUNCTION public.sightline_drop_partitions_before(date, boolean);

DROP FUNCTION public.sightline_ensure_partitions(date, date);

DROP FUNCTION public.sightline_sync_partition_security(regclass);

DROP FUNCTION public.sightline_partitioned_tables();
