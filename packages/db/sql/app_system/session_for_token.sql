-- Token -> session: the signed-in person, if the session is live in this tenant and they are
-- active. PL/pgSQL rather than SQL: a SQL-language SECURITY DEFINER function is never inlined and
-- its body is planned again on every call, while PL/pgSQL keeps the plan per connection.
CREATE OR REPLACE FUNCTION app_system.session_for_token(p_tenant_id uuid, p_session_id text)
RETURNS TABLE (
  user_id uuid, role text, client_id uuid, name text, email text,
  expires_at timestamptz, last_seen_at timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
    SELECT u.id, u.role, u.client_id, u.name, u.email, s.expires_at, s.last_seen_at
    FROM app.sessions s
    JOIN app.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
    WHERE s.tenant_id = p_tenant_id AND s.id = p_session_id
      AND s.expires_at > now() AND u.status = 'active';
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_for_token(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_for_token(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_for_token(uuid,text) TO foyer_login;
