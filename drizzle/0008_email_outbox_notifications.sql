CREATE TABLE "app"."email_settings" (
	"tenant_id" uuid NOT NULL,
	"sender_name" text,
	"reply_to" text,
	"from_address" text,
	"delivery" text DEFAULT 'platform' NOT NULL,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_security" text,
	"smtp_username" text,
	"smtp_password_sealed" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_settings_tenant_id_pk" PRIMARY KEY("tenant_id"),
	CONSTRAINT "email_settings_delivery_known" CHECK ("app"."email_settings"."delivery" in ('platform', 'smtp')),
	CONSTRAINT "email_settings_smtp_security_known" CHECK ("app"."email_settings"."smtp_security" is null or "app"."email_settings"."smtp_security" in ('tls', 'starttls', 'none')),
	CONSTRAINT "email_settings_smtp_complete" CHECK ("app"."email_settings"."delivery" <> 'smtp' or ("app"."email_settings"."smtp_host" is not null and "app"."email_settings"."smtp_port" is not null and "app"."email_settings"."smtp_security" is not null and "app"."email_settings"."from_address" is not null))
);
--> statement-breakpoint
ALTER TABLE "app"."email_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."email_templates" (
	"tenant_id" uuid NOT NULL,
	"template" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_templates_tenant_id_template_pk" PRIMARY KEY("tenant_id","template")
);
--> statement-breakpoint
ALTER TABLE "app"."email_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."notification_preferences" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"event" text NOT NULL,
	"email" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_tenant_id_user_id_event_pk" PRIMARY KEY("tenant_id","user_id","event")
);
--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."notifications" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"event" text NOT NULL,
	"title" text NOT NULL,
	"body" text,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "notifications_link_relative" CHECK ("app"."notifications"."link" is null or "app"."notifications"."link" ~ '^/[^/\\]')
);
--> statement-breakpoint
ALTER TABLE "app"."notifications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."outbox" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"template" text NOT NULL,
	"user_id" uuid,
	"to_address" text,
	"event" text,
	"vars" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"claim_id" uuid,
	"recipient" text,
	"transport" text,
	"response" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "outbox_status_known" CHECK ("app"."outbox"."status" in ('queued', 'sending', 'sent', 'failed', 'suppressed')),
	CONSTRAINT "outbox_has_recipient" CHECK ("app"."outbox"."user_id" is not null or "app"."outbox"."to_address" is not null)
);
--> statement-breakpoint
ALTER TABLE "app"."outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform"."scheduled_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "app"."user_tokens" DROP CONSTRAINT "user_tokens_purpose_known";--> statement-breakpoint
ALTER TABLE "app"."users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app"."email_settings" ADD CONSTRAINT "email_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."email_templates" ADD CONSTRAINT "email_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."email_templates" ADD CONSTRAINT "email_templates_tenant_id_updated_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","updated_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" ADD CONSTRAINT "notification_preferences_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."notifications" ADD CONSTRAINT "notifications_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."outbox" ADD CONSTRAINT "outbox_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."outbox" ADD CONSTRAINT "outbox_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_tenant_user_created_idx" ON "app"."notifications" USING btree ("tenant_id","user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notifications_tenant_user_unread_idx" ON "app"."notifications" USING btree ("tenant_id","user_id") WHERE "app"."notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_tenant_created_idx" ON "app"."outbox" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "outbox_tenant_pending_idx" ON "app"."outbox" USING btree ("tenant_id","next_attempt_at") WHERE "app"."outbox"."status" in ('queued', 'sending');--> statement-breakpoint
ALTER TABLE "app"."user_tokens" ADD CONSTRAINT "user_tokens_purpose_known" CHECK ("app"."user_tokens"."purpose" in ('password_reset', 'email_change', 'handoff', 'email_verify'));--> statement-breakpoint
CREATE POLICY "email_settings_admin_select" ON "app"."email_settings" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."email_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "email_settings_admin_insert" ON "app"."email_settings" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."email_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "email_settings_admin_update" ON "app"."email_settings" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."email_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."email_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "email_settings_admin_delete" ON "app"."email_settings" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."email_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "email_templates_admin_select" ON "app"."email_templates" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."email_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "email_templates_admin_insert" ON "app"."email_templates" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."email_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "email_templates_admin_update" ON "app"."email_templates" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."email_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."email_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "email_templates_admin_delete" ON "app"."email_templates" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."email_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "notification_preferences_own_select" ON "app"."notification_preferences" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."notification_preferences"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ("app"."notification_preferences"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "notification_preferences_own_insert" ON "app"."notification_preferences" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."notification_preferences"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notification_preferences"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notification_preferences_own_update" ON "app"."notification_preferences" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."notification_preferences"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notification_preferences"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."notification_preferences"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notification_preferences"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notification_preferences_own_delete" ON "app"."notification_preferences" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."notification_preferences"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notification_preferences"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notifications_own_select" ON "app"."notifications" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."notifications"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notifications"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notifications_own_insert" ON "app"."notifications" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."notifications"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notifications_own_update" ON "app"."notifications" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."notifications"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notifications"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."notifications"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notifications"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "notifications_own_delete" ON "app"."notifications" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."notifications"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."notifications"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "outbox_team_select" ON "app"."outbox" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "outbox_team_insert" ON "app"."outbox" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "outbox_team_update" ON "app"."outbox" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "outbox_team_delete" ON "app"."outbox" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "outbox_client_insert" ON "app"."outbox" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."outbox"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));