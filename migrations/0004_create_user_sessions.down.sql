-- Down for 0004_create_user_sessions (reverse order of the up file).

DROP TABLE public.ingested_batches;

DROP TABLE public.user_sessions;
