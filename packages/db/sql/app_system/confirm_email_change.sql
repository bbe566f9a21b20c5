-- Confirms a new email address from the link sent to it, voiding reset links mailed to the old
-- one and any other pending change. A taken address raises unique_violation.
CREATE OR REPLACE FUNCTION app_system.confirm_email_change(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (user_id uuid, role text, client_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_email text;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_change'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id, t.new_email INTO v_user, v_email;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.user_id = v_user
    AND t.purpose IN ('password_reset', 'email_change') AND t.used_at IS NULL;
  RETURN QUERY
    UPDATE app.users u SET email = v_email
    WHERE u.tenant_id = p_tenant_id AND u.id = v_user
    RETURNING u.id, u.role, u.client_id, u.email;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.confirm_email_change(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.confirm_email_change(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.confirm_email_change(uuid,text) TO foyer_login;
