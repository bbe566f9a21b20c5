CREATE TABLE "app"."security_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"require_team_two_factor" boolean DEFAULT false NOT NULL,
	"google_sign_in" boolean DEFAULT false NOT NULL,
	"google_registration" boolean DEFAULT false NOT NULL,
	"activity_retention_days" integer DEFAULT 365 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "security_settings_retention_range" CHECK ("app"."security_settings"."activity_retention_days" between 1 and 3650)
);
--> statement-breakpoint
ALTER TABLE "app"."security_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."security_settings" ADD CONSTRAINT "security_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "security_settings_team_select" ON "app"."security_settings" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."security_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "security_settings_team_insert" ON "app"."security_settings" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."security_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "security_settings_team_update" ON "app"."security_settings" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."security_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."security_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "security_settings_team_delete" ON "app"."security_settings" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."security_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER TABLE app.security_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON app.security_settings TO foyer_system;
