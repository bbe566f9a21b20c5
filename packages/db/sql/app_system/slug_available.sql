-- Is a workspace address free? (Reserved words are checked by the application.)
CREATE OR REPLACE FUNCTION app_system.slug_available(p_slug text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT NOT EXISTS (SELECT 1 FROM platform.tenants t WHERE t.slug = p_slug)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.slug_available(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.slug_available(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.slug_available(text) TO foyer_login;
