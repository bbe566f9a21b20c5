-- Confirms an address from the verification link. Single use; the link may be opened signed out.
CREATE OR REPLACE FUNCTION app_system.verify_email(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (user_id uuid, role text, client_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_verify'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    UPDATE app.users u SET email_verified_at = coalesce(u.email_verified_at, now())
    WHERE u.tenant_id = p_tenant_id AND u.id = v_user AND u.status = 'active'
    RETURNING u.id, u.role, u.client_id, u.email;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.verify_email(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.verify_email(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.verify_email(uuid,text) TO foyer_login;
