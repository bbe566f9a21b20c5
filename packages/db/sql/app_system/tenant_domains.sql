-- A tenant's custom domain(s), newest first. One per tenant in practice (claim_domain keeps it so).
CREATE OR REPLACE FUNCTION app_system.tenant_domains(p_tenant_id uuid)
RETURNS TABLE (
  hostname text, verification_token text, verified_at timestamptz, created_at timestamptz,
  last_checked_at timestamptz, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT d.hostname, d.verification_token, d.verified_at, d.created_at, d.last_checked_at, d.last_error
  FROM platform.domains d
  WHERE d.tenant_id = p_tenant_id
  ORDER BY d.created_at DESC, d.hostname
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.tenant_domains(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.tenant_domains(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.tenant_domains(uuid) TO foyer_login;
