-- Down for 0006_create_recording_tables (reverse order of the up file).
-- Dropping a partitioned parent drops all of its partitions.

DROP TABLE public.client_reports;

DROP TABLE public.frustration_signals;

DROP TABLE public.custom_events;

DROP TABLE public.page_views;

DROP TABLE public.replay_segments;

DROP TABLE public.element_visibility;

DROP TABLE public.javascript_errors;

DROP TABLE public.console_logs;

DROP TABLE public.network_requests;

DROP TABLE public.visibility_changes;

DROP TABLE public.keyboard_events;

DROP TABLE public.mouse_movements;

DROP TABLE public.rage_click_incidents;

DROP TABLE public.form_interactions;

DROP TABLE public.click_events;

DROP TABLE public.scroll_events;

DROP TABLE public.page_performance;
