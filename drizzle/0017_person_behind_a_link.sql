-- A link from email (password reset, address verification, email change) is used by someone who
-- may not be signed in, yet what they did belongs in the activity log as the person the link was
-- for. These three functions now say who that is (their role and client, what `withActor` needs)
-- and the address concerned, instead of the bare user id. An unusable link returns no row.
DROP FUNCTION app_system.reset_password(uuid, text, text);
--> statement-breakpoint
DROP FUNCTION app_system.verify_email(uuid, text);
--> statement-breakpoint
DROP FUNCTION app_system.confirm_email_change(uuid, text);
--> statement-breakpoint

-- A reset also voids a pending email change (which may be an intruder's), besides every other
-- reset link, and ends every session.
CREATE FUNCTION app_system.reset_password(p_tenant_id uuid, p_token_hash text, p_password_hash text)
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

CREATE FUNCTION app_system.verify_email(p_tenant_id uuid, p_token_hash text)
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

-- Confirming a new address voids reset links mailed to the old one and any other pending change.
CREATE FUNCTION app_system.confirm_email_change(p_tenant_id uuid, p_token_hash text)
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

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'app_system'
      AND p.proname IN ('reset_password', 'verify_email', 'confirm_email_change')
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO foyer_system', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO foyer_login', f);
  END LOOP;
END
$$;
