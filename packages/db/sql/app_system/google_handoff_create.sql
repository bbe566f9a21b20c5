-- The central callback's hand-off: what Google vouched for (account id, verified address, name),
-- kept under the SHA-256 of a one-time code for the tenant's own host to redeem, bound to the
-- browser that began (the SHA-256 of its binding cookie). Only for an active tenant that offers
-- Google sign-in. Clears lapsed hand-offs on its way, so the table stays small.
CREATE OR REPLACE FUNCTION app_system.google_handoff_create(
  p_token_hash text, p_tenant_id uuid, p_binding_hash text, p_google_sub text, p_email text,
  p_name text, p_expires timestamptz
)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_made integer;
BEGIN
  DELETE FROM platform.google_handoffs h WHERE h.expires_at < now() - interval '1 hour';
  INSERT INTO platform.google_handoffs (token_hash, tenant_id, binding_hash, google_sub, email, name, expires_at)
  SELECT p_token_hash, t.id, p_binding_hash, p_google_sub, p_email, p_name, p_expires
  FROM platform.tenants t
  JOIN app.security_settings s ON s.tenant_id = t.id
  WHERE t.id = p_tenant_id AND t.status = 'active' AND s.google_sign_in;
  GET DIAGNOSTICS v_made = ROW_COUNT;
  RETURN v_made = 1;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.google_handoff_create(text,uuid,text,text,text,text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.google_handoff_create(text,uuid,text,text,text,text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.google_handoff_create(text,uuid,text,text,text,text,timestamp with time zone) TO foyer_login;
