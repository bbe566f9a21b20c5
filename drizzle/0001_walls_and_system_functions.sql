-- Hand-written: what drizzle-kit does not emit. FORCE makes RLS bind the table owner too; the
-- grants give each runtime role exactly its tables; app_system holds the only functions that
-- work before a tenant or user is known.

ALTER TABLE app.branding FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.clients FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.task_statuses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

REVOKE ALL ON SCHEMA app FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON SCHEMA platform FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA app TO foyer_team, foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO foyer_team;
--> statement-breakpoint
-- Tables added later reach the team role as well; RLS (checked by the catalog test) walls them.
-- foyer_client gets column grants table by table with the client wall.
ALTER DEFAULT PRIVILEGES FOR ROLE foyer_owner IN SCHEMA app
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO foyer_team;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES FOR ROLE foyer_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
--> statement-breakpoint

CREATE SCHEMA app_system;
--> statement-breakpoint
REVOKE ALL ON SCHEMA app_system FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA app_system TO foyer_login;
--> statement-breakpoint
-- foyer_system may own functions here (ownership needs CREATE) and read what they read.
GRANT USAGE, CREATE ON SCHEMA app_system TO foyer_system;
--> statement-breakpoint
GRANT USAGE ON SCHEMA platform, app TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON platform.tenants TO foyer_system;
--> statement-breakpoint
GRANT SELECT ON platform.domains TO foyer_system;
--> statement-breakpoint
GRANT SELECT ON app.branding TO foyer_system;
--> statement-breakpoint

-- Host -> tenant. Exactly one of the arguments is given: the slug of `<slug>.<platform domain>`,
-- or a custom hostname, which matches only once verified.
CREATE FUNCTION app_system.tenant_for_host(p_slug text, p_hostname text)
RETURNS TABLE (
  tenant_id uuid,
  slug text,
  name text,
  status text,
  primary_domain text,
  branding jsonb
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT t.id, t.slug, t.name, t.status,
    (SELECT d.hostname FROM platform.domains d
      WHERE d.tenant_id = t.id AND d.verified_at IS NOT NULL
      ORDER BY d.verified_at LIMIT 1),
    CASE WHEN b.tenant_id IS NULL THEN NULL ELSE jsonb_build_object(
      'displayName', b.display_name,
      'primaryColor', b.primary_color,
      'accentColor', b.accent_color,
      'theme', b.theme,
      'logoSha256', b.logo_sha256,
      'welcomeText', b.welcome_text,
      'contactEmail', b.contact_email,
      'contactPhone', b.contact_phone,
      'website', b.website,
      'address', b.address
    ) END
  FROM platform.tenants t
  LEFT JOIN app.branding b ON b.tenant_id = t.id
  WHERE (p_slug IS NOT NULL AND t.slug = p_slug)
     OR (p_hostname IS NOT NULL AND t.id = (
          SELECT d.tenant_id FROM platform.domains d
          WHERE d.hostname = p_hostname AND d.verified_at IS NOT NULL))
$$;
--> statement-breakpoint

-- The logo shown on a tenant's pages before anyone signs in.
CREATE FUNCTION app_system.tenant_logo(p_tenant_id uuid)
RETURNS TABLE (mime text, data bytea, sha256 text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT b.logo_mime, b.logo_data, b.logo_sha256
  FROM app.branding b
  WHERE b.tenant_id = p_tenant_id AND b.logo_data IS NOT NULL
$$;
--> statement-breakpoint

-- Provisioning from `foyer tenants apply`: creates the tenant row if the slug is free and says
-- whether it did. Everything inside the tenant is then written through withActor.
CREATE FUNCTION app_system.ensure_tenant(p_slug text, p_name text)
RETURNS TABLE (tenant_id uuid, created boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_id uuid;
BEGIN
  INSERT INTO platform.tenants (slug, name) VALUES (p_slug, p_name)
  ON CONFLICT (slug) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NOT NULL THEN
    RETURN QUERY SELECT v_id, true;
  ELSE
    UPDATE platform.tenants t SET name = p_name WHERE t.slug = p_slug RETURNING t.id INTO v_id;
    RETURN QUERY SELECT v_id, false;
  END IF;
END
$$;
--> statement-breakpoint

ALTER FUNCTION app_system.tenant_for_host(text, text) OWNER TO foyer_system;
--> statement-breakpoint
ALTER FUNCTION app_system.tenant_logo(uuid) OWNER TO foyer_system;
--> statement-breakpoint
ALTER FUNCTION app_system.ensure_tenant(text, text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app_system FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app_system TO foyer_login;
