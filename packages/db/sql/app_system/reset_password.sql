-- Reset: uses the token and voids every other reset link and any pending email change (which may
-- be an intruder's), sets the new password and ends every session, in one transaction.
CREATE OR REPLACE FUNCTION app_system.reset_password(p_tenant_id uuid, p_token_hash text, p_password_hash text)
RETURNS TABLE (user_id uuid, role text, client_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'password_reset'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.user_id = v_user
    AND t.purpose IN ('password_reset', 'email_change') AND t.used_at IS NULL;
  RETURN QUERY
    UPDATE app.users u SET password_hash = p_password_hash
    WHERE u.tenant_id = p_tenant_id AND u.id = v_user AND u.status = 'active'
    RETURNING u.id, u.role, u.client_id, u.email;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM app.sessions s WHERE s.tenant_id = p_tenant_id AND s.user_id = v_user;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.reset_password(uuid,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.reset_password(uuid,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.reset_password(uuid,text,text) TO foyer_login;
