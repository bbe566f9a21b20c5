-- Storage for operators (issue #13): the tenant list shows what each tenant stores and its cap,
-- and an operator sets the cap. Functions only; packages/db/sql/app_system holds their sources.

-- The tenant list gains three columns: a changed result type needs DROP then CREATE.
DROP FUNCTION app_system.operator_tenants(text);
--> statement-breakpoint
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
--> statement-breakpoint

-- An operator sets how many bytes a tenant may store (every version of every file): raised for
-- an agency that needs more, lowered, or 0 to stop its uploads. What is already stored stays;
-- only new uploads are sized against the cap. The usage row is made when the tenant has stored
-- nothing yet. False when there is no such tenant.
CREATE OR REPLACE FUNCTION app_system.operator_set_storage_limit(p_session_id text, p_tenant_id uuid, p_limit_bytes bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM platform.operator_sessions s WHERE s.id = p_session_id AND s.expires_at > now()
  ) THEN
    RAISE EXCEPTION 'operator session required' USING ERRCODE = '42501';
  END IF;
  -- 100,000 GiB at most.
  IF p_limit_bytes IS NULL OR p_limit_bytes < 0 OR p_limit_bytes > 107374182400000 THEN
    RAISE EXCEPTION 'invalid storage limit' USING ERRCODE = '22023';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM platform.tenants t WHERE t.id = p_tenant_id) THEN
    RETURN false;
  END IF;
  INSERT INTO app.storage_usage AS su (tenant_id, limit_bytes)
  VALUES (p_tenant_id, p_limit_bytes)
  ON CONFLICT (tenant_id) DO UPDATE SET limit_bytes = excluded.limit_bytes, updated_at = now();
  RETURN true;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_set_storage_limit(text,uuid,bigint) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_set_storage_limit(text,uuid,bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_set_storage_limit(text,uuid,bigint) TO foyer_login;
