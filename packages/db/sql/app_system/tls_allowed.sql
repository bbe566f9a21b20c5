-- The edge proxy's on-demand TLS "ask": a certificate only for a verified domain of an active tenant.
CREATE OR REPLACE FUNCTION app_system.tls_allowed(p_hostname text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM platform.domains d JOIN platform.tenants t ON t.id = d.tenant_id
    WHERE d.hostname = lower(p_hostname) AND d.verified_at IS NOT NULL AND t.status = 'active'
  )
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.tls_allowed(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.tls_allowed(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.tls_allowed(text) TO foyer_login;
