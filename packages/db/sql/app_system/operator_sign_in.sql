-- Operator sign-in: the session exists only if the PHC string the caller computed from the typed
-- password equals the stored one. Digests are compared, so the time taken says nothing about
-- how much of a forged string matched. An operator with two-factor on whose browser is not
-- remembered (`p_remember_epoch`, from the browser's signed cookie, equal to the current epoch)
-- gets the pending sign-in `p_pending_id` instead of the session: `second_factor` is 'pending';
-- 'remembered' or null with a session.
CREATE OR REPLACE FUNCTION app_system.operator_sign_in(
  p_email text, p_password_phc text, p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text,
  p_pending_id text, p_pending_expires timestamptz, p_remember_epoch integer
)
RETURNS TABLE (operator_id uuid, second_factor text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_epoch integer;
  v_outcome text;
BEGIN
  SELECT o.id INTO v_operator FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
    AND sha256(convert_to(o.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  SELECT tf.remember_epoch INTO v_epoch FROM platform.operator_two_factor tf
  WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL;
  IF FOUND THEN
    IF p_remember_epoch IS NOT NULL AND p_remember_epoch = v_epoch THEN
      v_outcome := 'remembered';
    ELSE
      INSERT INTO platform.operator_pending_sign_ins (id, operator_id, expires_at)
      VALUES (p_pending_id, v_operator, p_pending_expires);
      RETURN QUERY SELECT v_operator, 'pending'::text;
      RETURN;
    END IF;
  END IF;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN QUERY SELECT v_operator, v_outcome;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) TO foyer_login;
