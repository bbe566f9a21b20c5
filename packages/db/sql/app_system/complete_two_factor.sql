-- The second step of a sign-in: uses up the live pending sign-in `p_pending_id` of this tenant
-- and opens the session, in one statement, only when the second factor is accepted here:
-- either the TOTP step `p_step` the caller matched is later than the last one used (so a code
-- works once: two uses of one code cannot both pass, the row is locked), or the recovery code
-- hashed as `p_recovery_hash` is still unused (it is removed in the same UPDATE). Nothing
-- changes otherwise. Returns the person, the first factor's method, the remember epoch (for a
-- "remember this browser" cookie) and how many recovery codes are left.
CREATE OR REPLACE FUNCTION app_system.complete_two_factor(
  p_tenant_id uuid, p_pending_id text, p_now timestamptz, p_step bigint, p_recovery_hash text,
  p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS TABLE (
  user_id uuid, role text, client_id uuid, name text, email text, method text,
  remember_epoch integer, recovery_left integer
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_pending app.pending_sign_ins%ROWTYPE;
  v_user app.users%ROWTYPE;
  v_epoch integer;
  v_left integer;
BEGIN
  IF (p_step IS NULL) = (p_recovery_hash IS NULL) THEN
    RETURN;
  END IF;
  SELECT p.* INTO v_pending FROM app.pending_sign_ins p
  WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id AND p.expires_at > greatest(now(), p_now)
  FOR UPDATE;
  IF v_pending.id IS NULL THEN
    RETURN;
  END IF;
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND u.id = v_pending.user_id AND u.status = 'active';
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE app.two_factor tf SET last_step = p_step
    WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL
      AND tf.last_step < p_step
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  ELSE
    UPDATE app.two_factor tf SET recovery_codes = array_remove(tf.recovery_codes, p_recovery_hash)
    WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL
      AND p_recovery_hash = ANY (tf.recovery_codes)
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  END IF;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM app.pending_sign_ins p WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, v_pending.method,
    v_epoch, v_left;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) TO foyer_login;
