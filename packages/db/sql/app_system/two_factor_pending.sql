-- What checking a second factor needs, for a live pending sign-in of this tenant only: the person,
-- their address and their sealed TOTP secret (useless without FOYER_SECRET_KEY). The pending
-- sign-in is left as it is: only `complete_two_factor` uses it up. `p_now` is the caller's clock;
-- the later of it and the database's decides expiry, so a caller can only shorten a lifetime.
CREATE OR REPLACE FUNCTION app_system.two_factor_pending(p_tenant_id uuid, p_pending_id text, p_now timestamptz)
RETURNS TABLE (user_id uuid, email text, secret_sealed text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.email, tf.secret_sealed
  FROM app.pending_sign_ins p
  JOIN app.users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id AND u.status = 'active'
  JOIN app.two_factor tf ON tf.tenant_id = p.tenant_id AND tf.user_id = p.user_id AND tf.enabled_at IS NOT NULL
  WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id AND p.expires_at > greatest(now(), p_now);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) TO foyer_login;
