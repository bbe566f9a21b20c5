-- Throttle keys include attacker-chosen emails: rows whose window started long ago count for
-- nothing and are deleted by the scheduled purge. Returns how many went.
CREATE OR REPLACE FUNCTION app_system.throttle_purge(p_older_than_seconds integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  DELETE FROM platform.throttle t
  WHERE t.window_start < now() - make_interval(secs => greatest(p_older_than_seconds, 3600));
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.throttle_purge(integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.throttle_purge(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.throttle_purge(integer) TO foyer_login;
