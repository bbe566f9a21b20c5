-- The operator console's tenant list, with what each tenant stores (every version of every file)
-- and its cap. It answers only for a live operator session, so the login role alone cannot list
-- tenants. A tenant that never stored a file has no usage row: nothing stored, the default cap.
CREATE OR REPLACE FUNCTION app_system.operator_tenants(p_session_id text)
RETURNS TABLE (
  tenant_id uuid, slug text, name text, status text, created_at timestamptz,
  users bigint, last_activity timestamptz,
  storage_bytes bigint, storage_files integer, storage_limit_bytes bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM platform.operator_sessions s WHERE s.id = p_session_id AND s.expires_at > now()
  ) THEN
    RAISE EXCEPTION 'operator session required' USING ERRCODE = '42501';
  END IF;
  RETURN QUERY
    SELECT t.id, t.slug, t.name, t.status, t.created_at, count(u.id), max(u.last_seen_at),
      coalesce(max(su.bytes), 0)::bigint, coalesce(max(su.files), 0)::integer,
      coalesce(max(su.limit_bytes), 10737418240)::bigint
    FROM platform.tenants t
    LEFT JOIN app.users u ON u.tenant_id = t.id
    LEFT JOIN app.storage_usage su ON su.tenant_id = t.id
    GROUP BY t.id
    ORDER BY t.created_at DESC;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_tenants(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_tenants(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_tenants(text) TO foyer_login;
