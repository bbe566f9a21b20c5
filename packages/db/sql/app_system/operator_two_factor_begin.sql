-- Starts the signed-in operator's two-factor set-up with `p_secret_sealed`, unless one is under
-- way (its secret is kept, so a reload shows the same QR code) or it is on already. Returns the
-- sealed secret of the set-up, or null (no live session, or two-factor on).
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_begin(p_session_id text, p_secret_sealed text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_row platform.operator_two_factor%ROWTYPE;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO platform.operator_two_factor (operator_id, secret_sealed) VALUES (v_operator, p_secret_sealed)
  ON CONFLICT (operator_id) DO NOTHING;
  SELECT tf.* INTO v_row FROM platform.operator_two_factor tf WHERE tf.operator_id = v_operator;
  IF v_row.enabled_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  RETURN v_row.secret_sealed;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_begin(text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_begin(text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_begin(text,text) TO foyer_login;
