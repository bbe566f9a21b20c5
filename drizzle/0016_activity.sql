CREATE TABLE "app"."activity" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" uuid,
	"operator_id" uuid,
	"verb" text NOT NULL,
	"subject_type" text,
	"subject_id" uuid,
	"project_id" uuid,
	"ip" "inet",
	"user_agent" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "activity_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "activity_actor_kind" CHECK ("app"."activity"."actor_kind" in ('admin', 'staff', 'client', 'apikey', 'worker', 'visitor')),
	CONSTRAINT "activity_verb_shape" CHECK ("app"."activity"."verb" ~ '^[a-z_]+\.[a-z_.]+$' and length("app"."activity"."verb") <= 80),
	CONSTRAINT "activity_user_agent_length" CHECK (length("app"."activity"."user_agent") <= 512)
);
--> statement-breakpoint
ALTER TABLE "app"."activity" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."activity" ADD CONSTRAINT "activity_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_tenant_at_idx" ON "app"."activity" USING btree ("tenant_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "activity_tenant_actor_at_idx" ON "app"."activity" USING btree ("tenant_id","actor_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "activity_record_insert" ON "app"."activity" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."activity"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."activity"."actor_kind" = (select current_setting('app.role', true)) and ("app"."activity"."actor_id" is null or "app"."activity"."actor_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)));--> statement-breakpoint
CREATE POLICY "activity_admin_select" ON "app"."activity" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."activity"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
-- Hand-written: the activity log binds its owner too, and runtime roles may only add to it.
ALTER TABLE app.activity FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON app.activity FROM foyer_team;
--> statement-breakpoint
GRANT INSERT ON app.activity TO foyer_client;
