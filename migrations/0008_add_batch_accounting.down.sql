-- Undoes 0008_add_batch_accounting.sql.
ALTER TABLE public.ingested_batches
  DROP COLUMN scrubbed_count,
  DROP COLUMN clock_offset_ms;
