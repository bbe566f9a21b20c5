-- Accepting an invitation creates the member with the password they chose. Single use; an
-- email already in the tenant raises unique_violation.
CREATE OR REPLACE FUNCTION app_system.accept_invitation(
  p_tenant_id uuid, p_token_hash text, p_name text, p_password_hash text
)
RETURNS TABLE (user_id uuid, role text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_email text;
  v_role text;
  v_user uuid;
BEGIN
  UPDATE app.invitations i SET accepted_at = now()
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
  RETURNING i.email, i.role INTO v_email, v_role;
  IF v_email IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO app.users (tenant_id, email, name, role, password_hash)
    VALUES (p_tenant_id, v_email, p_name, v_role, p_password_hash)
    RETURNING id INTO v_user;
  RETURN QUERY SELECT v_user, v_role;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.accept_invitation(uuid,text,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.accept_invitation(uuid,text,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.accept_invitation(uuid,text,text,text) TO foyer_login;
