CREATE SCHEMA "app";
--> statement-breakpoint
CREATE SCHEMA "platform";
--> statement-breakpoint
CREATE TABLE "app"."branding" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"primary_color" text DEFAULT '#4f46e5' NOT NULL,
	"accent_color" text DEFAULT '#0ea5e9' NOT NULL,
	"theme" text DEFAULT 'light' NOT NULL,
	"logo_mime" text,
	"logo_data" "bytea",
	"logo_sha256" text,
	"welcome_text" text,
	"contact_email" text,
	"contact_phone" text,
	"website" text,
	"address" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branding_primary_hex" CHECK ("app"."branding"."primary_color" ~ '^#[0-9a-fA-F]{6}$'),
	CONSTRAINT "branding_accent_hex" CHECK ("app"."branding"."accent_color" ~ '^#[0-9a-fA-F]{6}$'),
	CONSTRAINT "branding_theme_known" CHECK ("app"."branding"."theme" in ('light', 'dark', 'system')),
	CONSTRAINT "branding_logo_mime" CHECK ("app"."branding"."logo_mime" is null or "app"."branding"."logo_mime" in ('image/png', 'image/jpeg', 'image/webp'))
);
--> statement-breakpoint
ALTER TABLE "app"."branding" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."clients" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clients_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."clients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform"."domains" (
	"hostname" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"verification_token" text NOT NULL,
	"verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domains_hostname_lowercase" CHECK ("platform"."domains"."hostname" = lower("platform"."domains"."hostname"))
);
--> statement-breakpoint
CREATE TABLE "platform"."tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"suspended_at" timestamp with time zone,
	CONSTRAINT "tenants_slug_unique" UNIQUE("slug"),
	CONSTRAINT "tenants_slug_format" CHECK ("platform"."tenants"."slug" ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
	CONSTRAINT "tenants_status_known" CHECK ("platform"."tenants"."status" in ('active', 'suspended'))
);
--> statement-breakpoint
CREATE TABLE "app"."projects" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "projects_status_known" CHECK ("app"."projects"."status" in ('active', 'completed', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "app"."projects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."task_statuses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "task_statuses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "task_statuses_kind_known" CHECK ("app"."task_statuses"."kind" in ('todo', 'in_progress', 'review', 'done'))
);
--> statement-breakpoint
ALTER TABLE "app"."task_statuses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"status_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"client_visible" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."users" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"client_id" uuid,
	"password_hash" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "users_role_known" CHECK ("app"."users"."role" in ('admin', 'staff', 'client')),
	CONSTRAINT "users_status_known" CHECK ("app"."users"."status" in ('active', 'deactivated')),
	CONSTRAINT "users_client_iff_client_role" CHECK (("app"."users"."role" = 'client') = ("app"."users"."client_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "app"."users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."branding" ADD CONSTRAINT "branding_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."clients" ADD CONSTRAINT "clients_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."domains" ADD CONSTRAINT "domains_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD CONSTRAINT "projects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."projects" ADD CONSTRAINT "projects_tenant_id_client_id_clients_tenant_id_id_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "app"."clients"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."task_statuses" ADD CONSTRAINT "task_statuses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD CONSTRAINT "tasks_tenant_id_status_id_task_statuses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","status_id") REFERENCES "app"."task_statuses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."users" ADD CONSTRAINT "users_tenant_id_client_id_clients_tenant_id_id_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "app"."clients"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clients_tenant_name_idx" ON "app"."clients" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "domains_tenant_idx" ON "platform"."domains" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "projects_tenant_client_idx" ON "app"."projects" USING btree ("tenant_id","client_id");--> statement-breakpoint
CREATE INDEX "task_statuses_tenant_position_idx" ON "app"."task_statuses" USING btree ("tenant_id","position");--> statement-breakpoint
CREATE INDEX "tasks_tenant_project_idx" ON "app"."tasks" USING btree ("tenant_id","project_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "users_tenant_email_idx" ON "app"."users" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
CREATE INDEX "users_tenant_client_idx" ON "app"."users" USING btree ("tenant_id","client_id");--> statement-breakpoint
CREATE POLICY "branding_team_select" ON "app"."branding" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "branding_team_insert" ON "app"."branding" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "branding_team_update" ON "app"."branding" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "branding_team_delete" ON "app"."branding" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."branding"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "clients_team_select" ON "app"."clients" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "clients_team_insert" ON "app"."clients" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "clients_team_update" ON "app"."clients" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "clients_team_delete" ON "app"."clients" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."clients"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "projects_team_select" ON "app"."projects" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "projects_team_insert" ON "app"."projects" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "projects_team_update" ON "app"."projects" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "projects_team_delete" ON "app"."projects" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."projects"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "task_statuses_team_select" ON "app"."task_statuses" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "task_statuses_team_insert" ON "app"."task_statuses" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "task_statuses_team_update" ON "app"."task_statuses" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "task_statuses_team_delete" ON "app"."task_statuses" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."task_statuses"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tasks_team_select" ON "app"."tasks" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tasks_team_insert" ON "app"."tasks" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tasks_team_update" ON "app"."tasks" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tasks_team_delete" ON "app"."tasks" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."tasks"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_team_select" ON "app"."users" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_team_insert" ON "app"."users" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_team_update" ON "app"."users" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_team_delete" ON "app"."users" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));