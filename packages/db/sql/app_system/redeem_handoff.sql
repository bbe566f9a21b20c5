-- The sign-up hand-off: single use, short-lived, bound to the tenant it was issued for.
CREATE OR REPLACE FUNCTION app_system.redeem_handoff(p_tenant_id uuid, p_token_hash text)
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE app.user_tokens t SET used_at = now()
  FROM app.users u
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'handoff'
    AND t.used_at IS NULL AND t.expires_at > now()
    AND u.tenant_id = t.tenant_id AND u.id = t.user_id AND u.status = 'active'
  RETURNING t.user_id
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.redeem_handoff(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.redeem_handoff(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.redeem_handoff(uuid,text) TO foyer_login;
