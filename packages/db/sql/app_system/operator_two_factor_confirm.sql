-- Turns the signed-in operator's two-factor on with the TOTP step the caller matched from the
-- set-up's secret (later than any used), storing the hashed recovery codes and ending remembered
-- browsers of an earlier set-up. False when nothing was set up, it is on already, or the step is old.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_confirm(p_session_id text, p_step bigint, p_recovery_hashes text[])
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN false;
  END IF;
  UPDATE platform.operator_two_factor tf
  SET enabled_at = now(), last_step = p_step, recovery_codes = p_recovery_hashes, remember_epoch = tf.remember_epoch + 1
  WHERE tf.operator_id = v_operator AND tf.enabled_at IS NULL AND tf.last_step < p_step;
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) TO foyer_login;
