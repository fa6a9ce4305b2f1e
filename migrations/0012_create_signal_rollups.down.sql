-- Undoes 0012_create_signal_rollups.sql (dropping the table drops its policies).
DROP TRIGGER frustration_signals_rollup ON public.frustration_signals;

DROP FUNCTION public.sightline_rollup_signals();

DROP TABLE public.signal_rollups;
