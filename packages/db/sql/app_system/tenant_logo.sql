-- The logo shown on a tenant's pages before anyone signs in.
CREATE OR REPLACE FUNCTION app_system.tenant_logo(p_tenant_id uuid)
RETURNS TABLE (mime text, data bytea, sha256 text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT b.logo_mime, b.logo_data, b.logo_sha256
  FROM app.branding b
  WHERE b.tenant_id = p_tenant_id AND b.logo_data IS NOT NULL
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.tenant_logo(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.tenant_logo(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.tenant_logo(uuid) TO foyer_login;
