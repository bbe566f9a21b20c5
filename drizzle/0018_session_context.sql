-- Hand-written: app_system.session_context, the session lookup that withSession folds into the
-- statement opening a signed-in request's transaction. A copy of
-- packages/db/sql/app_system/session_context.sql (docs/development.md).
-- Token -> session, for the statement that opens a signed-in request's transaction: the same
-- lookup as session_for_token, with the tenant, so that one statement both resolves the session
-- and sets the transaction's context (withSession, packages/db/src/with-session.ts):
--   select s.*, set_config('role', case when s.role = 'client' then 'foyer_client' else 'foyer_team' end, true), …
--   from app_system.session_context($1, $2) s
-- The role is switched in that outer select because PostgreSQL refuses set_config('role') inside
-- a SECURITY DEFINER function. No row (unknown or expired token, another tenant's, a deactivated
-- person): nothing is set, and the transaction stays foyer_login's.
CREATE OR REPLACE FUNCTION app_system.session_context(p_tenant_id uuid, p_session_id text)
RETURNS TABLE (
  tenant_id uuid, user_id uuid, role text, client_id uuid, name text, email text,
  expires_at timestamptz, last_seen_at timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
    SELECT s.tenant_id, u.id, u.role, u.client_id, u.name, u.email, s.expires_at, s.last_seen_at
    FROM app.sessions s
    JOIN app.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
    WHERE s.tenant_id = p_tenant_id AND s.id = p_session_id
      AND s.expires_at > now() AND u.status = 'active';
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_context(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_context(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_context(uuid,text) TO foyer_login;
