-- Undoes 0013_create_signal_rules_guard.sql.
DROP FUNCTION public.sightline_derive_signals_guarded(jsonb);
