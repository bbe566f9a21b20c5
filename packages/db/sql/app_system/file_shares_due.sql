-- Projects with files shared at or before p_shared_before whose "files shared" notice has not
-- gone out, across tenants (the hourly notice job), oldest first. p_tenant_ids, when given,
-- narrows the list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.file_shares_due(p_shared_before timestamptz, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, project_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT f.tenant_id, t.slug, f.project_id
  FROM app.files f
  JOIN platform.tenants t ON t.id = f.tenant_id
  WHERE f.share_pending AND t.status = 'active'
    AND (p_tenant_ids IS NULL OR f.tenant_id = ANY (p_tenant_ids))
  GROUP BY f.tenant_id, t.slug, f.project_id
  HAVING min(f.shared_at) <= p_shared_before
  ORDER BY min(f.shared_at)
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.file_shares_due(timestamp with time zone,integer,uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.file_shares_due(timestamp with time zone,integer,uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.file_shares_due(timestamp with time zone,integer,uuid[]) TO foyer_login;
