-- Token -> operator session, sliding: renews the expiry and last-seen time as it reads. A
-- disabled operator's session is no session (disabling also deletes them; this is the second lock).
CREATE OR REPLACE FUNCTION app_system.operator_session(p_session_id text, p_renew_until timestamptz)
RETURNS TABLE (operator_id uuid, name text, email text, expires_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE platform.operator_sessions s
  SET last_seen_at = now(), expires_at = greatest(s.expires_at, p_renew_until)
  FROM platform.operators o
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.id = s.operator_id AND o.disabled_at IS NULL
  RETURNING o.id, o.name, o.email, s.expires_at
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_session(text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_session(text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_session(text,timestamp with time zone) TO foyer_login;
