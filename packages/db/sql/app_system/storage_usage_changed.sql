-- Keeps app.storage_usage: bytes follow every version's insert and delete, files every file's.
-- Fired AFTER INSERT OR DELETE on app.file_versions and app.files, whoever wrote the row (a
-- client's upload too, whose own grants cannot touch the usage row). A tenant being deleted
-- takes its usage row with it; the UPDATE then finds nothing, which is right.
CREATE OR REPLACE FUNCTION app_system.storage_usage_changed()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_bytes bigint := 0;
  v_files integer := 0;
  v_tenant uuid;
BEGIN
  IF TG_TABLE_NAME = 'file_versions' THEN
    v_bytes := CASE WHEN TG_OP = 'INSERT' THEN NEW.size ELSE -OLD.size END;
  ELSE
    v_files := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
  END IF;
  IF TG_OP = 'INSERT' THEN
    v_tenant := NEW.tenant_id;
    INSERT INTO app.storage_usage AS su (tenant_id, bytes, files)
    VALUES (v_tenant, greatest(v_bytes, 0), greatest(v_files, 0))
    ON CONFLICT (tenant_id) DO UPDATE
      SET bytes = su.bytes + v_bytes, files = su.files + v_files, updated_at = now();
  ELSE
    v_tenant := OLD.tenant_id;
    UPDATE app.storage_usage
      SET bytes = greatest(bytes + v_bytes, 0), files = greatest(files + v_files, 0), updated_at = now()
      WHERE tenant_id = v_tenant;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.storage_usage_changed() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.storage_usage_changed() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.storage_usage_changed() TO foyer_login;
