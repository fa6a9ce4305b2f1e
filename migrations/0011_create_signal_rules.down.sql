-- Undoes 0011_create_signal_rules.sql. Derived signal rows already stored stay in frustration_signals.
DROP FUNCTION public.sightline_derive_session_signals(uuid);

DROP FUNCTION public.sightline_derive_signals(jsonb);

DROP FUNCTION public.sightline_signal_batches(jsonb);

DROP INDEX public.frustration_signals_site_id_kind_occurred_at_idx;
