-- Undoes 0009_create_session_summaries.sql (reverse order; dropping the table drops its policies).
DROP FUNCTION public.sightline_recompute_session_summary(uuid);

DROP FUNCTION public.sightline_session_summary_of(uuid);

DROP TABLE public.session_summaries;

DROP FUNCTION public.sightline_frustration_score(jsonb);

DROP FUNCTION public.sightline_jsonb_add_counts(jsonb, jsonb);
