CREATE TABLE "platform"."operator_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"operator_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "platform"."operators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app"."sessions" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."invitations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invitations_role_known" CHECK ("app"."invitations"."role" in ('admin', 'staff'))
);
--> statement-breakpoint
ALTER TABLE "app"."invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."user_tokens" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"token_hash" text NOT NULL,
	"new_email" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_tokens_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "user_tokens_purpose_known" CHECK ("app"."user_tokens"."purpose" in ('password_reset', 'email_change', 'handoff'))
);
--> statement-breakpoint
ALTER TABLE "app"."user_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform"."operator_sessions" ADD CONSTRAINT "operator_sessions_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "platform"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."sessions" ADD CONSTRAINT "sessions_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invitations" ADD CONSTRAINT "invitations_tenant_id_invited_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","invited_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."user_tokens" ADD CONSTRAINT "user_tokens_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_sessions_operator_idx" ON "platform"."operator_sessions" USING btree ("operator_id");--> statement-breakpoint
CREATE UNIQUE INDEX "operators_email_idx" ON "platform"."operators" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "sessions_tenant_user_idx" ON "app"."sessions" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_tenant_hash_idx" ON "app"."invitations" USING btree ("tenant_id","token_hash");--> statement-breakpoint
CREATE INDEX "invitations_tenant_email_idx" ON "app"."invitations" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "user_tokens_tenant_hash_idx" ON "app"."user_tokens" USING btree ("tenant_id","token_hash");--> statement-breakpoint
CREATE INDEX "user_tokens_tenant_user_idx" ON "app"."user_tokens" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE POLICY "users_client_select" ON "app"."users" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."users"."id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "users_client_update" ON "app"."users" AS PERMISSIVE FOR UPDATE TO "foyer_client" USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."users"."id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."users"."id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "sessions_own_select" ON "app"."sessions" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."sessions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "sessions_own_insert" ON "app"."sessions" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."sessions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "sessions_own_update" ON "app"."sessions" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."sessions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."sessions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "sessions_own_delete" ON "app"."sessions" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."sessions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "sessions_admin_select" ON "app"."sessions" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "sessions_admin_delete" ON "app"."sessions" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."sessions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invitations_admin_select" ON "app"."invitations" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invitations_admin_insert" ON "app"."invitations" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invitations_admin_update" ON "app"."invitations" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invitations_admin_delete" ON "app"."invitations" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "user_tokens_own_select" ON "app"."user_tokens" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."user_tokens"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."user_tokens"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "user_tokens_own_insert" ON "app"."user_tokens" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."user_tokens"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."user_tokens"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "user_tokens_own_update" ON "app"."user_tokens" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."user_tokens"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."user_tokens"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."user_tokens"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."user_tokens"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "user_tokens_own_delete" ON "app"."user_tokens" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."user_tokens"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."user_tokens"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
ALTER POLICY "users_team_insert" ON "app"."users" TO foyer_team WITH CHECK ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER POLICY "users_team_update" ON "app"."users" TO foyer_team USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ("app"."users"."id" = (select nullif(current_setting('app.user_id', true), '')::uuid) or (select current_setting('app.role', true)) = 'admin')) WITH CHECK ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ("app"."users"."id" = (select nullif(current_setting('app.user_id', true), '')::uuid) or (select current_setting('app.role', true)) = 'admin'));--> statement-breakpoint
ALTER POLICY "users_team_delete" ON "app"."users" TO foyer_team USING ("app"."users"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');