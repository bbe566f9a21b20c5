-- An operator's second step, as `complete_two_factor` is a tenant person's: uses up the live
-- pending sign-in and opens the session in one statement, only when the TOTP step is later than
-- the last one used, or the recovery code is unused (and removed). Nothing changes otherwise.
CREATE OR REPLACE FUNCTION app_system.operator_complete_two_factor(
  p_pending_id text, p_now timestamptz, p_step bigint, p_recovery_hash text,
  p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS TABLE (operator_id uuid, remember_epoch integer, recovery_left integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_epoch integer;
  v_left integer;
BEGIN
  IF (p_step IS NULL) = (p_recovery_hash IS NULL) THEN
    RETURN;
  END IF;
  SELECT p.operator_id INTO v_operator FROM platform.operator_pending_sign_ins p
  JOIN platform.operators o ON o.id = p.operator_id AND o.disabled_at IS NULL
  WHERE p.id = p_pending_id AND p.expires_at > greatest(now(), p_now)
  FOR UPDATE OF p;
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE platform.operator_two_factor tf SET last_step = p_step
    WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL AND tf.last_step < p_step
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  ELSE
    UPDATE platform.operator_two_factor tf SET recovery_codes = array_remove(tf.recovery_codes, p_recovery_hash)
    WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL AND p_recovery_hash = ANY (tf.recovery_codes)
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  END IF;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM platform.operator_pending_sign_ins p WHERE p.id = p_pending_id;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN QUERY SELECT v_operator, v_epoch, v_left;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) TO foyer_login;
