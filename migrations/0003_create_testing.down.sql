-- Down for 0003_create_testing (reverse order of the up file).

DROP TABLE public.activity_log;

DROP TABLE public.issues;

DROP TABLE public.human_testers;

DROP TABLE public.test_runs;

DROP TABLE public.personas;

DROP FUNCTION public.validate_persona(jsonb);
