-- Records that a periodic job's tick finished, with its error if it failed.
CREATE OR REPLACE FUNCTION app_system.finish_scheduled_job(p_name text, p_error text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE platform.scheduled_jobs SET last_finished_at = now(), last_error = left(p_error, 1000)
  WHERE name = p_name
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.finish_scheduled_job(text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.finish_scheduled_job(text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.finish_scheduled_job(text,text) TO foyer_login;
