-- Follows a session's last activity and sliding expiry into its history row (AFTER UPDATE OF
-- last_seen_at on app.sessions, which the session lookup touches every few minutes). A session
-- opened before the history existed gets its row here, on its first touch.
CREATE OR REPLACE FUNCTION app_system.session_log_seen()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.session_log AS l (tenant_id, session_key, user_id, started_at, last_seen_at, expires_at, ip, user_agent)
  VALUES (NEW.tenant_id, encode(sha256(convert_to(NEW.id, 'UTF8')), 'hex'), NEW.user_id, NEW.created_at,
          NEW.last_seen_at, NEW.expires_at, NEW.ip, left(NEW.user_agent, 512))
  ON CONFLICT (tenant_id, session_key)
    DO UPDATE SET last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_log_seen() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_log_seen() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_log_seen() TO foyer_login;
