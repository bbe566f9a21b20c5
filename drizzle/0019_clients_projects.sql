CREATE TABLE "app"."project_clients" (
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_clients_tenant_id_project_id_user_id_pk" PRIMARY KEY("tenant_id","project_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "app"."project_clients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."project_feed" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"user_id" uuid,
	"actor_name" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "project_feed_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "project_feed_kind_shape" CHECK ("app"."project_feed"."kind" ~ '^[a-z_]+\.[a-z_]+$')
);
--> statement-breakpoint
ALTER TABLE "app"."project_feed" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."project_staff" (
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_staff_tenant_id_project_id_user_id_pk" PRIMARY KEY("tenant_id","project_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "app"."project_staff" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."projects" DROP CONSTRAINT "projects_status_known";--> statement-breakpoint
ALTER TABLE "app"."invitations" DROP CONSTRAINT "invitations_role_known";--> statement-breakpoint
DROP INDEX "app"."clients_tenant_name_idx";--> statement-breakpoint
ALTER TABLE "app"."projects" ALTER COLUMN "client_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD COLUMN "portal_welcome" text;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD COLUMN "start_date" date;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD COLUMN "deadline" date;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."invitations" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "permissions" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "welcome_dismissed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "theme" text;--> statement-breakpoint
ALTER TABLE "app"."project_clients" ADD CONSTRAINT "project_clients_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_clients" ADD CONSTRAINT "project_clients_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_clients" ADD CONSTRAINT "project_clients_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_clients" ADD CONSTRAINT "project_clients_tenant_id_added_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","added_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_feed" ADD CONSTRAINT "project_feed_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_staff" ADD CONSTRAINT "project_staff_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_staff" ADD CONSTRAINT "project_staff_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_staff" ADD CONSTRAINT "project_staff_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."project_staff" ADD CONSTRAINT "project_staff_tenant_id_added_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","added_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_clients_tenant_user_idx" ON "app"."project_clients" USING btree ("tenant_id","user_id","project_id");--> statement-breakpoint
CREATE INDEX "project_feed_tenant_project_at_idx" ON "app"."project_feed" USING btree ("tenant_id","project_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "project_staff_tenant_user_idx" ON "app"."project_staff" USING btree ("tenant_id","user_id","project_id");--> statement-breakpoint
ALTER TABLE "app"."invitations" ADD CONSTRAINT "invitations_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "projects_tenant_name_idx" ON "app"."projects" USING btree ("tenant_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "invitations_tenant_user_idx" ON "app"."invitations" USING btree ("tenant_id","user_id");--> statement-breakpoint
-- Hand-written: companies typed twice under one name become one before names are unique. The
-- owner running migrations is bound by FORCE like everyone else, so the tables it rewrites are
-- released for this transaction and bound again at the end of this file.
ALTER TABLE app.users NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE app.projects NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE app.clients NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE app.users u SET client_id = keep.id
  FROM app.clients c
  JOIN LATERAL (SELECT k.id FROM app.clients k WHERE k.tenant_id = c.tenant_id AND lower(k.name) = lower(c.name)
                ORDER BY k.created_at, k.id LIMIT 1) keep ON true
 WHERE u.tenant_id = c.tenant_id AND u.client_id = c.id AND keep.id <> c.id;--> statement-breakpoint
UPDATE app.projects p SET client_id = keep.id
  FROM app.clients c
  JOIN LATERAL (SELECT k.id FROM app.clients k WHERE k.tenant_id = c.tenant_id AND lower(k.name) = lower(c.name)
                ORDER BY k.created_at, k.id LIMIT 1) keep ON true
 WHERE p.tenant_id = c.tenant_id AND p.client_id = c.id AND keep.id <> c.id;--> statement-breakpoint
DELETE FROM app.clients c
 WHERE EXISTS (SELECT 1 FROM app.clients k WHERE k.tenant_id = c.tenant_id AND lower(k.name) = lower(c.name)
                 AND (k.created_at, k.id) < (c.created_at, c.id));--> statement-breakpoint
CREATE UNIQUE INDEX "clients_tenant_name_idx" ON "app"."clients" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
ALTER TABLE "app"."projects" ADD CONSTRAINT "projects_name_length" CHECK (length("app"."projects"."name") between 1 and 200);--> statement-breakpoint
ALTER TABLE "app"."projects" ADD CONSTRAINT "projects_dates_ordered" CHECK ("app"."projects"."deadline" is null or "app"."projects"."start_date" is null or "app"."projects"."deadline" >= "app"."projects"."start_date");--> statement-breakpoint
ALTER TABLE "app"."projects" ADD CONSTRAINT "projects_status_known" CHECK ("app"."projects"."status" in ('active', 'on_hold', 'completed', 'archived'));--> statement-breakpoint
ALTER TABLE "app"."invitations" ADD CONSTRAINT "invitations_client_has_person" CHECK (("app"."invitations"."role" = 'client') = ("app"."invitations"."user_id" is not null));--> statement-breakpoint
ALTER TABLE "app"."invitations" ADD CONSTRAINT "invitations_role_known" CHECK ("app"."invitations"."role" in ('admin', 'staff', 'client'));--> statement-breakpoint
ALTER TABLE "app"."users" ADD CONSTRAINT "users_permissions_known" CHECK ("app"."users"."permissions" <@ array['projects', 'tasks.view', 'tasks.comment', 'review', 'files.download', 'files.upload', 'invoices', 'messages']::text[] and ("app"."users"."role" = 'client' or "app"."users"."permissions" = '{}'::text[]));--> statement-breakpoint
ALTER TABLE "app"."users" ADD CONSTRAINT "users_theme_known" CHECK ("app"."users"."theme" is null or "app"."users"."theme" in ('light', 'dark', 'system'));--> statement-breakpoint
ALTER TABLE "app"."users" ADD CONSTRAINT "users_time_zone_length" CHECK ("app"."users"."time_zone" is null or length("app"."users"."time_zone") <= 64);--> statement-breakpoint
CREATE POLICY "clients_client_select" ON "app"."clients" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."clients"."id" = (select u.client_id from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid)));--> statement-breakpoint
CREATE POLICY "projects_client_select" ON "app"."projects" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."projects"."id" in (select pc.project_id from app.project_clients pc where pc.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and pc.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)) and "app"."projects"."status" <> 'archived' and coalesce((select 'projects' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "task_statuses_client_select" ON "app"."task_statuses" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tasks_client_select" ON "app"."tasks" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."tasks"."client_visible" and "app"."tasks"."project_id" in (select p.id from app.projects p) and coalesce((select 'tasks.view' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "project_clients_team_select" ON "app"."project_clients" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."project_clients"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "project_clients_team_insert" ON "app"."project_clients" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "project_clients_team_update" ON "app"."project_clients" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "project_clients_team_delete" ON "app"."project_clients" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "project_clients_client_select" ON "app"."project_clients" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."project_clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."project_clients"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "project_feed_team_select" ON "app"."project_feed" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."project_feed"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."project_feed"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "project_feed_team_insert" ON "app"."project_feed" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."project_feed"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."project_feed"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "project_feed_client_select" ON "app"."project_feed" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."project_feed"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."project_feed"."project_id" in (select p.id from app.projects p) and ("app"."project_feed"."user_id" is null or "app"."project_feed"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)));--> statement-breakpoint
CREATE POLICY "project_staff_team_select" ON "app"."project_staff" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."project_staff"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "project_staff_team_insert" ON "app"."project_staff" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."project_staff"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "project_staff_team_update" ON "app"."project_staff" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."project_staff"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."project_staff"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "project_staff_team_delete" ON "app"."project_staff" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."project_staff"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "branding_team_insert" ON "app"."branding" TO foyer_team WITH CHECK ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "branding_team_update" ON "app"."branding" TO foyer_team USING ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "branding_team_delete" ON "app"."branding" TO foyer_team USING ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "clients_team_select" ON "app"."clients" TO foyer_team USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."clients"."id" in (select p.client_id from app.projects p) or "app"."clients"."id" in (select u.client_id from app.users u)));--> statement-breakpoint
ALTER POLICY "clients_team_insert" ON "app"."clients" TO foyer_team WITH CHECK ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "clients_team_update" ON "app"."clients" TO foyer_team USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "clients_team_delete" ON "app"."clients" TO foyer_team USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "projects_team_select" ON "app"."projects" TO foyer_team USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."projects"."id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "projects_team_insert" ON "app"."projects" TO foyer_team WITH CHECK ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "projects_team_update" ON "app"."projects" TO foyer_team USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "projects_team_delete" ON "app"."projects" TO foyer_team USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "task_statuses_team_insert" ON "app"."task_statuses" TO foyer_team WITH CHECK ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "task_statuses_team_update" ON "app"."task_statuses" TO foyer_team USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "task_statuses_team_delete" ON "app"."task_statuses" TO foyer_team USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "tasks_team_select" ON "app"."tasks" TO foyer_team USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."tasks"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "tasks_team_insert" ON "app"."tasks" TO foyer_team WITH CHECK ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."tasks"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "tasks_team_update" ON "app"."tasks" TO foyer_team USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."tasks"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))) WITH CHECK ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."tasks"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "tasks_team_delete" ON "app"."tasks" TO foyer_team USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."tasks"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
ALTER POLICY "users_team_select" ON "app"."users" TO foyer_team USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker' or "app"."users"."role" <> 'client' or "app"."users"."id" in (select pc.user_id from app.project_clients pc)));--> statement-breakpoint
-- Existing data carried over: a project's company's people are assigned to it one by one, and
-- clients who had accounts keep the access a full-retainer client has.
INSERT INTO app.project_clients (tenant_id, project_id, user_id)
  SELECT p.tenant_id, p.id, u.id FROM app.projects p
    JOIN app.users u ON u.tenant_id = p.tenant_id AND u.client_id = p.client_id AND u.role = 'client'
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
UPDATE app.users SET permissions = array['projects', 'tasks.view', 'tasks.comment', 'review', 'files.download',
  'files.upload', 'invoices', 'messages']::text[]
 WHERE role = 'client' AND permissions = '{}'::text[];
--> statement-breakpoint
-- Hand-written: the new tables bind their owner too; the client role reads what its policies
-- allow; the project feed is append-only for runtime roles, like the activity log.
ALTER TABLE app.project_clients FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.project_staff FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.project_feed FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON app.project_feed FROM foyer_team;
--> statement-breakpoint
GRANT SELECT ON app.clients, app.projects, app.project_clients, app.tasks, app.task_statuses, app.project_feed TO foyer_client;
--> statement-breakpoint
-- A client reads every column of their own row except the agency's notes about them.
REVOKE SELECT ON app.users FROM foyer_client;
--> statement-breakpoint
GRANT SELECT (tenant_id, id, email, name, role, client_id, password_hash, status, created_at, last_seen_at,
  email_verified_at, phone, address, permissions, welcome_dismissed_at, time_zone, theme) ON app.users TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (phone, address, welcome_dismissed_at, time_zone, theme) ON app.users TO foyer_client;
--> statement-breakpoint
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.clients FORCE ROW LEVEL SECURITY;
