-- The state of an email verification link: 'pending' (it can be used), 'verified' (the address
-- it was sent for is confirmed, by this link or another), or 'expired' (used up or out of date
-- while the address is still unconfirmed). No row: no such link.
CREATE OR REPLACE FUNCTION app_system.email_verification_state(p_tenant_id uuid, p_token_hash text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT CASE
      WHEN u.email_verified_at IS NOT NULL THEN 'verified'
      WHEN t.used_at IS NOT NULL OR t.expires_at <= now() THEN 'expired'
      ELSE 'pending'
    END
  FROM app.user_tokens t
  JOIN app.users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_verify'
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.email_verification_state(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.email_verification_state(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.email_verification_state(uuid,text) TO foyer_login;
