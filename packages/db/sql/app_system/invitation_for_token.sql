-- The invitation behind a link, to show whom it is for before they accept it.
CREATE OR REPLACE FUNCTION app_system.invitation_for_token(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (email text, role text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.email, i.role, i.expires_at
  FROM app.invitations i
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invitation_for_token(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invitation_for_token(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invitation_for_token(uuid,text) TO foyer_login;
