-- Undoes 0010_notify_live.sql.
DROP TRIGGER frustration_signals_notify_live ON public.frustration_signals;

DROP FUNCTION public.sightline_notify_live_signals();

DROP TRIGGER user_sessions_notify_live ON public.user_sessions;

DROP FUNCTION public.sightline_notify_live_sessions();
