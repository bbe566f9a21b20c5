-- Removes IP addresses and browsers from activity entries and session history older than each
-- tenant's `activity_retention_days` (365 without a settings row); the entries themselves stay.
-- Runs across tenants for the scheduled job; returns how many rows were cleared.
CREATE OR REPLACE FUNCTION app_system.activity_retention_purge()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_activity integer;
  v_sessions integer;
BEGIN
  UPDATE app.activity a
     SET ip = NULL, user_agent = NULL
   WHERE (a.ip IS NOT NULL OR a.user_agent IS NOT NULL)
     AND a.at < now() - make_interval(days => coalesce(
           (SELECT s.activity_retention_days FROM app.security_settings s WHERE s.tenant_id = a.tenant_id), 365));
  GET DIAGNOSTICS v_activity = ROW_COUNT;
  UPDATE app.session_log l
     SET ip = NULL, user_agent = NULL
   WHERE (l.ip IS NOT NULL OR l.user_agent IS NOT NULL)
     AND coalesce(l.ended_at, l.last_seen_at) < now() - make_interval(days => coalesce(
           (SELECT s.activity_retention_days FROM app.security_settings s WHERE s.tenant_id = l.tenant_id), 365));
  GET DIAGNOSTICS v_sessions = ROW_COUNT;
  RETURN v_activity + v_sessions;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.activity_retention_purge() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.activity_retention_purge() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.activity_retention_purge() TO foyer_login;
