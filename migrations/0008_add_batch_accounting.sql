-- 0008_add_batch_accounting: what the collector did to each stored batch, for audits of clock
-- correction and server-side scrubbing.
ALTER TABLE public.ingested_batches
  ADD COLUMN clock_offset_ms integer NOT NULL DEFAULT 0,
  ADD COLUMN scrubbed_count integer NOT NULL DEFAULT 0 CHECK (scrubbed_count >= 0);

COMMENT ON COLUMN public.ingested_batches.clock_offset_ms IS 'Milliseconds added to every event time of the batch (receive time minus sent-at time) when the client clock was off by more than the threshold; 0 otherwise.';
COMMENT ON COLUMN public.ingested_batches.scrubbed_count IS 'Values the collector replaced while scrubbing this batch (cards, tokens, secrets, emails, IBANs).';
