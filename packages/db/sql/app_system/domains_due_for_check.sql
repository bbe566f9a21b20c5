-- Verified domains of active tenants last checked before p_checked_before, least recently
-- checked first, across tenants (the re-verification job). p_tenant_ids, when given, narrows the
-- list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.domains_due_for_check(p_checked_before timestamptz, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, hostname text, verification_token text, verified_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT d.tenant_id, t.slug, d.hostname, d.verification_token, d.verified_at
  FROM platform.domains d
  JOIN platform.tenants t ON t.id = d.tenant_id
  WHERE d.verified_at IS NOT NULL AND t.status = 'active'
    AND coalesce(d.last_checked_at, d.verified_at) < p_checked_before
    AND (p_tenant_ids IS NULL OR d.tenant_id = ANY (p_tenant_ids))
  ORDER BY coalesce(d.last_checked_at, d.verified_at), d.hostname
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.domains_due_for_check(timestamp with time zone,integer,uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.domains_due_for_check(timestamp with time zone,integer,uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.domains_due_for_check(timestamp with time zone,integer,uuid[]) TO foyer_login;
