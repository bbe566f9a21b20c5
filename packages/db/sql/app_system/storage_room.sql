-- What a tenant stores and may store, for the upload path to size an upload before any byte is
-- accepted, whoever uploads (a client cannot read the usage row). Reveals two numbers of the
-- tenant the server already resolved from the host.
CREATE OR REPLACE FUNCTION app_system.storage_room(p_tenant uuid)
RETURNS TABLE (bytes bigint, files integer, limit_bytes bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT coalesce(su.bytes, 0), coalesce(su.files, 0), coalesce(su.limit_bytes, 10737418240)
  FROM (SELECT p_tenant AS tenant_id) t
    LEFT JOIN app.storage_usage su ON su.tenant_id = t.tenant_id
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.storage_room(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.storage_room(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.storage_room(uuid) TO foyer_login;
