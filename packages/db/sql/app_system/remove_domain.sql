-- An admin removes a custom domain (verified or not); false when the tenant held no such hostname.
CREATE OR REPLACE FUNCTION app_system.remove_domain(p_tenant_id uuid, p_hostname text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  DELETE FROM platform.domains d WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname;
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.remove_domain(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.remove_domain(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.remove_domain(uuid,text) TO foyer_login;
