-- Tenant sign-in, like the operator's: the database compares the computed PHC string with the
-- stored hash, and only on a match opens either a session or, for a person with two-factor on
-- whose browser is not remembered, a pending sign-in (`p_pending_id`, ten minutes) that awaits
-- the second factor. `p_remember_epoch` is the epoch signed into this browser's "remember this
-- browser" cookie for this person (checked and dated by the caller), or null; it counts only while
-- it equals the person's current epoch. `second_factor` says what happened: null (no two-factor,
-- a session), 'remembered' (a session), 'pending' (no session). The last-seen time is written
-- only with a session.
CREATE OR REPLACE FUNCTION app_system.sign_in(
  p_tenant_id uuid, p_email text, p_password_phc text, p_session_id text, p_expires timestamptz,
  p_ip text, p_user_agent text, p_pending_id text, p_pending_expires timestamptz, p_remember_epoch integer
)
RETURNS TABLE (user_id uuid, role text, client_id uuid, name text, email text, second_factor text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user app.users%ROWTYPE;
  v_epoch integer;
  v_outcome text;
BEGIN
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
    AND u.password_hash IS NOT NULL
    AND sha256(convert_to(u.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  SELECT tf.remember_epoch INTO v_epoch FROM app.two_factor tf
  WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL;
  IF FOUND THEN
    IF p_remember_epoch IS NOT NULL AND p_remember_epoch = v_epoch THEN
      v_outcome := 'remembered';
    ELSE
      INSERT INTO app.pending_sign_ins (tenant_id, id, user_id, method, expires_at)
      VALUES (p_tenant_id, p_pending_id, v_user.id, 'password', p_pending_expires);
      RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, 'pending'::text;
      RETURN;
    END IF;
  END IF;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, v_outcome;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) TO foyer_login;
