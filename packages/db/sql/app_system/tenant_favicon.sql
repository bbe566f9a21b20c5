-- The favicon shown on a tenant's pages before anyone signs in.
CREATE OR REPLACE FUNCTION app_system.tenant_favicon(p_tenant_id uuid)
RETURNS TABLE (mime text, data bytea, sha256 text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT b.favicon_mime, b.favicon_data, b.favicon_sha256
  FROM app.branding b
  WHERE b.tenant_id = p_tenant_id AND b.favicon_data IS NOT NULL
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.tenant_favicon(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.tenant_favicon(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.tenant_favicon(uuid) TO foyer_login;
