-- Starts a session's history row when a session opens (AFTER INSERT on app.sessions), so admins
-- keep its start, IP and browser after the session row is gone. The key is the SHA-256 of the
-- session id, never the id itself.
CREATE OR REPLACE FUNCTION app_system.session_log_opened()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.session_log (tenant_id, session_key, user_id, started_at, last_seen_at, expires_at, ip, user_agent)
  VALUES (NEW.tenant_id, encode(sha256(convert_to(NEW.id, 'UTF8')), 'hex'), NEW.user_id, NEW.created_at,
          NEW.last_seen_at, NEW.expires_at, NEW.ip, left(NEW.user_agent, 512))
  ON CONFLICT (tenant_id, session_key) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_log_opened() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_log_opened() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_log_opened() TO foyer_login;
