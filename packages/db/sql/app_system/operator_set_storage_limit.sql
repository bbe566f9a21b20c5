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
