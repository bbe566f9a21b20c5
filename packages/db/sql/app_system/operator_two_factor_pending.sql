-- What checking an operator's second factor needs, for a live pending sign-in: the operator,
-- their address and their sealed TOTP secret. Uses nothing up (`operator_complete_two_factor`
-- does); the later of `p_now` and the database's clock decides expiry.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_pending(p_pending_id text, p_now timestamptz)
RETURNS TABLE (operator_id uuid, email text, secret_sealed text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT o.id, o.email, tf.secret_sealed
  FROM platform.operator_pending_sign_ins p
  JOIN platform.operators o ON o.id = p.operator_id AND o.disabled_at IS NULL
  JOIN platform.operator_two_factor tf ON tf.operator_id = p.operator_id AND tf.enabled_at IS NOT NULL
  WHERE p.id = p_pending_id AND p.expires_at > greatest(now(), p_now);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) TO foyer_login;
