CREATE TABLE "app"."file_versions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"file_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"object_key" text NOT NULL,
	"thumbnail_key" text,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "file_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "file_versions_size_positive" CHECK ("app"."file_versions"."size" >= 0),
	CONSTRAINT "file_versions_sha256_shape" CHECK ("app"."file_versions"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "app"."file_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."files" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"folder_id" uuid,
	"folder_path" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"task_id" uuid,
	"message_id" uuid,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"object_key" text NOT NULL,
	"thumbnail_key" text,
	"version" integer DEFAULT 1 NOT NULL,
	"client_visible" boolean DEFAULT false NOT NULL,
	"shared_at" timestamp with time zone,
	"share_pending" boolean DEFAULT false NOT NULL,
	"uploaded_by" uuid,
	"uploader_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "files_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "files_name_length" CHECK (length("app"."files"."name") between 1 and 255),
	CONSTRAINT "files_size_positive" CHECK ("app"."files"."size" >= 0),
	CONSTRAINT "files_version_positive" CHECK ("app"."files"."version" >= 1),
	CONSTRAINT "files_sha256_shape" CHECK ("app"."files"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "files_folder_path_shape" CHECK (("app"."files"."folder_id" is null) = (cardinality("app"."files"."folder_path") = 0))
);
--> statement-breakpoint
ALTER TABLE "app"."files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."folders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"parent_id" uuid,
	"path" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "folders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "folders_name_length" CHECK (length("app"."folders"."name") between 1 and 120),
	CONSTRAINT "folders_path_shape" CHECK (("app"."folders"."parent_id" is null) = (cardinality("app"."folders"."path") = 0))
);
--> statement-breakpoint
ALTER TABLE "app"."folders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."storage_usage" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"files" integer DEFAULT 0 NOT NULL,
	"limit_bytes" bigint DEFAULT 10737418240 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storage_usage_limit_positive" CHECK ("app"."storage_usage"."limit_bytes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "app"."storage_usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD COLUMN "files_visible_by_default" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."file_versions" ADD CONSTRAINT "file_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."file_versions" ADD CONSTRAINT "file_versions_tenant_id_file_id_files_tenant_id_id_fk" FOREIGN KEY ("tenant_id","file_id") REFERENCES "app"."files"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."file_versions" ADD CONSTRAINT "file_versions_tenant_id_uploaded_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_folder_id_folders_tenant_id_id_fk" FOREIGN KEY ("tenant_id","folder_id") REFERENCES "app"."folders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_message_id_messages_tenant_id_id_fk" FOREIGN KEY ("tenant_id","message_id") REFERENCES "app"."messages"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_uploaded_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."folders" ADD CONSTRAINT "folders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."folders" ADD CONSTRAINT "folders_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."folders" ADD CONSTRAINT "folders_tenant_id_parent_id_folders_tenant_id_id_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "app"."folders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."folders" ADD CONSTRAINT "folders_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."storage_usage" ADD CONSTRAINT "storage_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "file_versions_tenant_file_version_idx" ON "app"."file_versions" USING btree ("tenant_id","file_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "file_versions_tenant_object_key_idx" ON "app"."file_versions" USING btree ("tenant_id","object_key");--> statement-breakpoint
CREATE UNIQUE INDEX "files_tenant_object_key_idx" ON "app"."files" USING btree ("tenant_id","object_key");--> statement-breakpoint
CREATE INDEX "files_tenant_project_folder_idx" ON "app"."files" USING btree ("tenant_id","project_id","folder_id","name");--> statement-breakpoint
CREATE INDEX "files_tenant_task_idx" ON "app"."files" USING btree ("tenant_id","task_id") WHERE "app"."files"."task_id" is not null;--> statement-breakpoint
CREATE INDEX "files_tenant_message_idx" ON "app"."files" USING btree ("tenant_id","message_id") WHERE "app"."files"."message_id" is not null;--> statement-breakpoint
CREATE INDEX "files_tenant_share_pending_idx" ON "app"."files" USING btree ("tenant_id","project_id","shared_at") WHERE "app"."files"."share_pending";--> statement-breakpoint
CREATE UNIQUE INDEX "folders_tenant_place_name_idx" ON "app"."folders" USING btree ("tenant_id","project_id",coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid),lower("name"));--> statement-breakpoint
CREATE POLICY "file_versions_team_select" ON "app"."file_versions" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."file_id" in (select rf.id from app.files rf));--> statement-breakpoint
CREATE POLICY "file_versions_team_insert" ON "app"."file_versions" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."file_id" in (select rf.id from app.files rf) and not (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "file_versions_team_update" ON "app"."file_versions" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."file_id" in (select rf.id from app.files rf) and not (select current_setting('app.role', true)) = 'worker') WITH CHECK ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."file_id" in (select rf.id from app.files rf) and not (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "file_versions_team_delete" ON "app"."file_versions" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."file_id" in (select rf.id from app.files rf) and not (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "file_versions_client_insert" ON "app"."file_versions" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."file_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."file_versions"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."file_versions"."version" = 1 and "app"."file_versions"."file_id" in (select of.id from app.files of where of.uploaded_by = (select nullif(current_setting('app.user_id', true), '')::uuid)) and coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "files_team_select" ON "app"."files" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "files_team_insert" ON "app"."files" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) and "app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "files_team_update" ON "app"."files" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) or (select current_setting('app.role', true)) = 'worker')) WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "files_team_delete" ON "app"."files" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "files_client_select" ON "app"."files" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."files"."project_id" in (select p.id from app.projects p) and (
        ("app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and (coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) or coalesce((select 'files.download' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)))
        or (coalesce((select 'files.download' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) and (
          ("app"."files"."message_id" is null and "app"."files"."client_visible")
          or "app"."files"."message_id" in (select rm.id from app.messages rm)))));--> statement-breakpoint
CREATE POLICY "files_client_insert" ON "app"."files" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and not "app"."files"."client_visible" and "app"."files"."folder_id" is null
        and cardinality("app"."files"."folder_path") = 0 and "app"."files"."task_id" is null and "app"."files"."message_id" is null
        and "app"."files"."project_id" in (select p.id from app.projects p) and coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "folders_team_select" ON "app"."folders" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."folders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "folders_team_insert" ON "app"."folders" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."folders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "folders_team_update" ON "app"."folders" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."folders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))) WITH CHECK ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."folders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "folders_team_delete" ON "app"."folders" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."folders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "folders_client_select" ON "app"."folders" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."folders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."folders"."id" in (select unnest(rf.folder_path) from app.files rf));--> statement-breakpoint
CREATE POLICY "storage_usage_team_select" ON "app"."storage_usage" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."storage_usage"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "project_clients_team_select" ON "app"."project_clients" TO foyer_team USING ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker' or "app"."project_clients"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "projects_team_select" ON "app"."projects" TO foyer_team USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker' or "app"."projects"."id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));
--> statement-breakpoint
ALTER TABLE "app"."file_versions" DROP CONSTRAINT "file_versions_tenant_id_uploaded_by_users_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."file_versions" ADD CONSTRAINT "file_versions_tenant_id_uploaded_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE SET NULL ("uploaded_by");
--> statement-breakpoint
ALTER TABLE "app"."files" DROP CONSTRAINT "files_tenant_id_uploaded_by_users_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_uploaded_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","uploaded_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE SET NULL ("uploaded_by");
--> statement-breakpoint
ALTER TABLE "app"."files" DROP CONSTRAINT "files_tenant_id_task_id_tasks_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE SET NULL ("task_id");
--> statement-breakpoint
ALTER TABLE "app"."folders" DROP CONSTRAINT "folders_tenant_id_created_by_users_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."folders" ADD CONSTRAINT "folders_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE SET NULL ("created_by");
--> statement-breakpoint
ALTER TABLE app.folders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.files FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.file_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.storage_usage FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The database keeps the usage row (a trigger on every file change): the team only reads it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON app.storage_usage FROM foyer_team;
--> statement-breakpoint
-- The client role reads what its policies allow and records its own uploads: the row's place
-- and facts, as itself, internal (by policy); the team files, shares and names them.
GRANT SELECT ON app.folders, app.files TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, id, project_id, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by) ON app.files TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, id, file_id, version, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by) ON app.file_versions TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON app.storage_usage TO foyer_system;
--> statement-breakpoint
GRANT SELECT ON app.files TO foyer_system;
--> statement-breakpoint
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

--> statement-breakpoint
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

--> statement-breakpoint
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

--> statement-breakpoint
CREATE TRIGGER file_versions_storage_usage AFTER INSERT OR DELETE ON app.file_versions
  FOR EACH ROW EXECUTE FUNCTION app_system.storage_usage_changed();
--> statement-breakpoint
CREATE TRIGGER files_storage_usage AFTER INSERT OR DELETE ON app.files
  FOR EACH ROW EXECUTE FUNCTION app_system.storage_usage_changed();
