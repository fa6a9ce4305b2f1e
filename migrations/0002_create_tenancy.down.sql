-- Down for 0002_create_tenancy (reverse order of the up file).

DROP FUNCTION public.sightline_visible_site_ids();

DROP TABLE public.api_keys;

DROP TABLE public.sites;

DROP TABLE public.companies;
