ALTER POLICY "files_client_insert" ON "app"."files" TO foyer_client WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and not "app"."files"."client_visible" and "app"."files"."folder_id" is null
        and cardinality("app"."files"."folder_path") = 0 and "app"."files"."task_id" is null
        and ("app"."files"."message_id" is null or "app"."files"."message_id" in (select om.id from app.messages om
          join app.threads oth on oth.tenant_id = om.tenant_id and oth.id = om.thread_id
          where om.author_id = (select nullif(current_setting('app.user_id', true), '')::uuid) and om.deleted_at is null and oth.project_id = "app"."files"."project_id"))
        and "app"."files"."project_id" in (select p.id from app.projects p) and coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));
--> statement-breakpoint
-- A client attaches files to their own comments (the policy checks the comment is theirs).
GRANT INSERT (message_id) ON app.files TO foyer_client;
