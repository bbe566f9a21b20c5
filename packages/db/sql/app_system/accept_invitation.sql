-- Accepting an invitation. A team invitation creates the member with the password they chose
-- (an email already in the tenant raises unique_violation). A client invitation names the
-- person the admin already added: it sets their password (and name, when given), only while
-- they are still an active client without one. Single use either way.
CREATE OR REPLACE FUNCTION app_system.accept_invitation(
  p_tenant_id uuid, p_token_hash text, p_name text, p_password_hash text
)
RETURNS TABLE (user_id uuid, role text, client_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_email text;
  v_role text;
  v_person uuid;
  v_user uuid;
  v_client uuid;
BEGIN
  SELECT i.email, i.role, i.user_id INTO v_email, v_role, v_person
  FROM app.invitations i
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
  FOR UPDATE;
  IF v_email IS NULL THEN
    RETURN;
  END IF;
  IF v_person IS NOT NULL THEN
    UPDATE app.users u
      SET password_hash = p_password_hash, name = coalesce(nullif(btrim(p_name), ''), u.name)
    WHERE u.tenant_id = p_tenant_id AND u.id = v_person AND u.role = 'client'
      AND u.password_hash IS NULL AND u.status = 'active'
    RETURNING u.id, u.client_id INTO v_user, v_client;
    -- Accepted some other way, deactivated or removed: the link does nothing.
    IF v_user IS NULL THEN
      RETURN;
    END IF;
  ELSE
    INSERT INTO app.users (tenant_id, email, name, role, password_hash)
      VALUES (p_tenant_id, v_email, p_name, v_role, p_password_hash)
      RETURNING id INTO v_user;
  END IF;
  UPDATE app.invitations i SET accepted_at = now()
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash;
  RETURN QUERY SELECT v_user, v_role, v_client;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.accept_invitation(uuid,text,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.accept_invitation(uuid,text,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.accept_invitation(uuid,text,text,text) TO foyer_login;
