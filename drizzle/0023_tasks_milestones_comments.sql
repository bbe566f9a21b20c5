CREATE TABLE "app"."messages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"thread_id" uuid NOT NULL,
	"author_id" uuid,
	"author_name" text,
	"body" text NOT NULL,
	"client_visible" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "messages_body_length" CHECK (length("app"."messages"."body") <= 20000),
	CONSTRAINT "messages_deleted_empty" CHECK ("app"."messages"."deleted_at" is null or "app"."messages"."body" = '')
);
--> statement-breakpoint
ALTER TABLE "app"."messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."milestones" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"target_date" date,
	"completed_at" timestamp with time zone,
	"client_visible" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "milestones_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "milestones_name_length" CHECK (length("app"."milestones"."name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "app"."milestones" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."task_assignees" (
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_assignees_tenant_id_task_id_user_id_pk" PRIMARY KEY("tenant_id","task_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "app"."task_assignees" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."threads" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"project_id" uuid,
	"task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "threads_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "threads_kind_known" CHECK ("app"."threads"."kind" in ('task', 'project', 'direct', 'internal')),
	CONSTRAINT "threads_task_shape" CHECK (("app"."threads"."kind" = 'task') = ("app"."threads"."task_id" is not null) and ("app"."threads"."kind" <> 'task' or "app"."threads"."project_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "app"."threads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."work_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"clients_see_assignees" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app"."work_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD COLUMN "milestone_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD COLUMN "message_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD COLUMN "tasks_visible_by_default" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "milestone_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "priority" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "due_date" date;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_tenant_id_thread_id_threads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","thread_id") REFERENCES "app"."threads"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_tenant_id_author_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."milestones" ADD CONSTRAINT "milestones_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."milestones" ADD CONSTRAINT "milestones_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."task_assignees" ADD CONSTRAINT "task_assignees_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."task_assignees" ADD CONSTRAINT "task_assignees_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."task_assignees" ADD CONSTRAINT "task_assignees_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD CONSTRAINT "threads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD CONSTRAINT "threads_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD CONSTRAINT "threads_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD CONSTRAINT "work_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_tenant_thread_created_idx" ON "app"."messages" USING btree ("tenant_id","thread_id","created_at");--> statement-breakpoint
CREATE INDEX "milestones_tenant_project_idx" ON "app"."milestones" USING btree ("tenant_id","project_id","position");--> statement-breakpoint
CREATE INDEX "task_assignees_tenant_user_idx" ON "app"."task_assignees" USING btree ("tenant_id","user_id","task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "threads_tenant_task_idx" ON "app"."threads" USING btree ("tenant_id","task_id");--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_milestone_id_milestones_tenant_id_id_fk" FOREIGN KEY ("tenant_id","milestone_id") REFERENCES "app"."milestones"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_message_id_messages_tenant_id_id_fk" FOREIGN KEY ("tenant_id","message_id") REFERENCES "app"."messages"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_milestone_id_milestones_tenant_id_id_fk" FOREIGN KEY ("tenant_id","milestone_id") REFERENCES "app"."milestones"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_tenant_project_status_idx" ON "app"."tasks" USING btree ("tenant_id","project_id","status_id","position");--> statement-breakpoint
CREATE INDEX "tasks_tenant_milestone_idx" ON "app"."tasks" USING btree ("tenant_id","milestone_id");--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_title_length" CHECK (length("app"."tasks"."title") between 1 and 300);--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_priority_known" CHECK ("app"."tasks"."priority" in ('none', 'low', 'medium', 'high', 'urgent'));--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_position_positive" CHECK ("app"."tasks"."position" >= 0);--> statement-breakpoint
CREATE POLICY "messages_team_select" ON "app"."messages" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "messages_team_insert" ON "app"."messages" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "messages_team_update" ON "app"."messages" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth)) WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "messages_client_select" ON "app"."messages" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth) and ("app"."messages"."client_visible" or "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)));--> statement-breakpoint
CREATE POLICY "messages_client_insert" ON "app"."messages" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and not "app"."messages"."client_visible" and "app"."messages"."thread_id" in (select rth.id from app.threads rth) and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "messages_client_update" ON "app"."messages" AS PERMISSIVE FOR UPDATE TO "foyer_client" USING ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth) and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)) WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."messages"."thread_id" in (select rth.id from app.threads rth) and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "milestones_team_select" ON "app"."milestones" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."milestones"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "milestones_team_insert" ON "app"."milestones" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."milestones"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "milestones_team_update" ON "app"."milestones" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."milestones"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))) WITH CHECK ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."milestones"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "milestones_team_delete" ON "app"."milestones" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."milestones"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "milestones_client_select" ON "app"."milestones" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."milestones"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."milestones"."client_visible" and "app"."milestones"."project_id" in (select p.id from app.projects p) and coalesce((select 'tasks.view' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "task_assignees_team_select" ON "app"."task_assignees" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "task_assignees_team_insert" ON "app"."task_assignees" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "task_assignees_team_update" ON "app"."task_assignees" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt)) WITH CHECK ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "task_assignees_team_delete" ON "app"."task_assignees" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "task_assignees_client_select" ON "app"."task_assignees" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."task_assignees"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."task_assignees"."task_id" in (select rt.id from app.tasks rt) and coalesce((select ws.clients_see_assignees from app.work_settings ws where ws.tenant_id = "app"."task_assignees"."tenant_id"), false));--> statement-breakpoint
CREATE POLICY "threads_team_select" ON "app"."threads" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "threads_team_insert" ON "app"."threads" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "threads_team_update" ON "app"."threads" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."task_id" in (select rt.id from app.tasks rt)) WITH CHECK ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "threads_team_delete" ON "app"."threads" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "threads_client_select" ON "app"."threads" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."threads"."kind" = 'task' and "app"."threads"."task_id" in (select rt.id from app.tasks rt));--> statement-breakpoint
CREATE POLICY "work_settings_team_select" ON "app"."work_settings" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "work_settings_team_insert" ON "app"."work_settings" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "work_settings_team_update" ON "app"."work_settings" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "work_settings_team_delete" ON "app"."work_settings" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "work_settings_client_select" ON "app"."work_settings" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."work_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
ALTER POLICY "project_feed_client_select" ON "app"."project_feed" TO foyer_client USING ("app"."project_feed"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."project_feed"."project_id" in (select p.id from app.projects p) and ("app"."project_feed"."user_id" is null or "app"."project_feed"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid))
        and ("app"."project_feed"."task_id" is null or "app"."project_feed"."task_id" in (select ft.id from app.tasks ft))
        and ("app"."project_feed"."milestone_id" is null or "app"."project_feed"."milestone_id" in (select fm.id from app.milestones fm))
        and ("app"."project_feed"."message_id" is null or "app"."project_feed"."message_id" in (select fmsg.id from app.messages fmsg)));--> statement-breakpoint
ALTER POLICY "tasks_client_select" ON "app"."tasks" TO foyer_client USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."tasks"."client_visible" and "app"."tasks"."archived_at" is null and "app"."tasks"."project_id" in (select p.id from app.projects p) and coalesce((select 'tasks.view' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
-- Hand-written from here. Composite keys whose row outlives the referenced one clear only the
-- referencing column (tenant_id stays).
ALTER TABLE "app"."tasks" DROP CONSTRAINT "tasks_tenant_id_milestone_id_milestones_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_milestone_id_milestones_tenant_id_id_fk" FOREIGN KEY ("tenant_id","milestone_id") REFERENCES "app"."milestones"("tenant_id","id") ON DELETE SET NULL ("milestone_id");
--> statement-breakpoint
ALTER TABLE "app"."tasks" DROP CONSTRAINT "tasks_tenant_id_created_by_users_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE SET NULL ("created_by");
--> statement-breakpoint
ALTER TABLE "app"."messages" DROP CONSTRAINT "messages_tenant_id_author_id_users_tenant_id_id_fk";
--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_tenant_id_author_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE SET NULL ("author_id");
--> statement-breakpoint
ALTER TABLE app.work_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.milestones FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.task_assignees FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.threads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The client role reads what its policies allow, and writes only its own comments: the thread,
-- the author (itself, by policy) and the body; it edits or deletes them by body and marks.
GRANT SELECT ON app.work_settings, app.milestones, app.task_assignees, app.threads, app.messages TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, id, thread_id, author_id, body) ON app.messages TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (body, edited_at, deleted_at) ON app.messages TO foyer_client;
--> statement-breakpoint
-- A deleted comment stays as a marker: nobody deletes messages (a task's removal takes its thread).
REVOKE DELETE, TRUNCATE ON app.messages FROM foyer_team;
--> statement-breakpoint
-- Every existing task gets its thread (the owner is bound by FORCE, so it steps aside for this).
ALTER TABLE app.tasks NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.threads NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO app.threads (tenant_id, kind, project_id, task_id)
  SELECT t.tenant_id, 'task', t.project_id, t.id FROM app.tasks t ON CONFLICT DO NOTHING;
--> statement-breakpoint
ALTER TABLE app.tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.threads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON app.clients, app.tasks, app.projects, app.threads, app.task_assignees, app.project_staff TO foyer_system;
--> statement-breakpoint
GRANT INSERT ON app.notifications TO foyer_system;
--> statement-breakpoint
-- A client's comment on a task tells the team, which the client's own grants cannot do: the
-- task's assignees and the project's staff (active ones), or the admins when there are none, in
-- the bell and, by their preferences, by email. Fired AFTER INSERT on app.messages; a team
-- member's message does nothing here.
CREATE OR REPLACE FUNCTION app_system.client_comment_posted()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_author text;
  v_company text;
  v_task uuid;
  v_project uuid;
  v_title text;
  v_project_name text;
  v_link text;
  v_recipients uuid[];
BEGIN
  SELECT u.name, c.name INTO v_author, v_company
  FROM app.users u JOIN app.clients c ON c.tenant_id = u.tenant_id AND c.id = u.client_id
  WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.author_id AND u.role = 'client';
  IF v_author IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT t.id, t.project_id, t.title, p.name INTO v_task, v_project, v_title, v_project_name
  FROM app.threads th
    JOIN app.tasks t ON t.tenant_id = th.tenant_id AND t.id = th.task_id
    JOIN app.projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
  WHERE th.tenant_id = NEW.tenant_id AND th.id = NEW.thread_id;
  IF v_task IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
  FROM app.users u
  WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role <> 'client'
    AND (u.id IN (SELECT a.user_id FROM app.task_assignees a WHERE a.tenant_id = NEW.tenant_id AND a.task_id = v_task)
      OR u.id IN (SELECT s.user_id FROM app.project_staff s WHERE s.tenant_id = NEW.tenant_id AND s.project_id = v_project));
  IF cardinality(v_recipients) = 0 THEN
    SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
    FROM app.users u
    WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role = 'admin';
  END IF;
  v_link := '/admin/tasks/' || v_task;
  INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
  SELECT NEW.tenant_id, r, 'task-comment',
    left(v_author || ' (' || v_company || ') commented on “' || v_title || '”', 300), left(NEW.body, 280), v_link
  FROM unnest(v_recipients) AS r;
  INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
  SELECT NEW.tenant_id, 'task-comment', r, 'task-comment',
    jsonb_build_object('taskTitle', v_title, 'projectName', v_project_name, 'authorName', v_author,
      'companyName', v_company, 'comment', left(NEW.body, 2000), 'taskUrl', v_link)
  FROM unnest(v_recipients) AS r;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.client_comment_posted() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.client_comment_posted() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.client_comment_posted() TO foyer_login;
--> statement-breakpoint
CREATE TRIGGER messages_client_comment_posted AFTER INSERT ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_system.client_comment_posted();
