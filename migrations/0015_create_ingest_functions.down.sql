-- Undoes 0015_create_ingest_functions.sql.
DROP FUNCTION public.sightline_derive_for_ingest(jsonb);
DROP FUNCTION public.sightline_require(boolean, text);
