-- Live events are kept for a day (a reconnecting stream catches up from them); presence rows of
-- nodes that stopped beating for an hour are stale. The scheduled purge deletes both and returns
-- how many events went.
CREATE OR REPLACE FUNCTION app_system.realtime_events_purge()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  DELETE FROM app.realtime_events e WHERE e.created_at < now() - interval '1 day';
  GET DIAGNOSTICS v_count = ROW_COUNT;
  DELETE FROM platform.presence p WHERE p.seen_at < now() - interval '1 hour';
  RETURN v_count;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.realtime_events_purge() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.realtime_events_purge() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.realtime_events_purge() TO foyer_login;
