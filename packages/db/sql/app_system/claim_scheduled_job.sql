-- One tick of a periodic job: true for exactly one caller per due tick, across nodes.
CREATE OR REPLACE FUNCTION app_system.claim_scheduled_job(p_name text, p_interval_seconds integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO platform.scheduled_jobs (name, next_run_at) VALUES (p_name, now())
  ON CONFLICT (name) DO NOTHING;
  UPDATE platform.scheduled_jobs j
     SET next_run_at = now() + make_interval(secs => greatest(p_interval_seconds, 1)),
         last_started_at = now()
   WHERE j.name = p_name AND j.next_run_at <= now();
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.claim_scheduled_job(text,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.claim_scheduled_job(text,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.claim_scheduled_job(text,integer) TO foyer_login;
