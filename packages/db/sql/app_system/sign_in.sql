-- Tenant sign-in, like the operator's: the session is inserted only when the computed PHC string
-- matches, and the person's last-seen time is written with it.
CREATE OR REPLACE FUNCTION app_system.sign_in(
  p_tenant_id uuid, p_email text, p_password_phc text, p_session_id text, p_expires timestamptz,
  p_ip text, p_user_agent text
)
RETURNS TABLE (user_id uuid, role text, client_id uuid, name text, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user app.users%ROWTYPE;
BEGIN
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
    AND u.password_hash IS NOT NULL
    AND sha256(convert_to(u.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text) TO foyer_login;
