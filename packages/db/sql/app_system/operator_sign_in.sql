-- Operator sign-in: the session exists only if the PHC string the caller computed from the typed
-- password equals the stored one. Digests are compared, so the time taken says nothing about
-- how much of a forged string matched.
CREATE OR REPLACE FUNCTION app_system.operator_sign_in(
  p_email text, p_password_phc text, p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT o.id INTO v_operator FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
    AND sha256(convert_to(o.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_operator IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN v_operator;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text) TO foyer_login;
