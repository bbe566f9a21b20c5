-- The signed-in operator's two-factor (by their session, checked here): whether it is on, the
-- sealed secret of an unfinished or finished set-up, the last step used and the recovery codes left.
-- No row without a live session or without two-factor started.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_state(p_session_id text)
RETURNS TABLE (operator_id uuid, email text, enabled_at timestamptz, secret_sealed text, last_step bigint, recovery_left integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  SELECT o.id, o.email, tf.enabled_at, tf.secret_sealed, tf.last_step, cardinality(tf.recovery_codes)
  FROM platform.operators o LEFT JOIN platform.operator_two_factor tf ON tf.operator_id = o.id
  WHERE o.id = v_operator;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_state(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_state(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_state(text) TO foyer_login;
