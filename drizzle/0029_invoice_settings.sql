CREATE TABLE "app"."invoice_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"number_prefix" text DEFAULT 'INV-' NOT NULL,
	"number_width" integer DEFAULT 4 NOT NULL,
	"next_number" integer DEFAULT 1 NOT NULL,
	"default_currency" text DEFAULT 'USD' NOT NULL,
	"default_due_days" integer DEFAULT 30 NOT NULL,
	"remind_days_before" integer DEFAULT 3 NOT NULL,
	"remind_on_due_date" boolean DEFAULT true NOT NULL,
	"remind_every_days_after" integer DEFAULT 7 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_settings_prefix_shape" CHECK ("app"."invoice_settings"."number_prefix" ~ '^[A-Za-z0-9/_-]{1,20}$'),
	CONSTRAINT "invoice_settings_number_width_range" CHECK ("app"."invoice_settings"."number_width" between 1 and 10),
	CONSTRAINT "invoice_settings_next_number_positive" CHECK ("app"."invoice_settings"."next_number" >= 1),
	CONSTRAINT "invoice_settings_currency_shape" CHECK ("app"."invoice_settings"."default_currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "invoice_settings_due_days_range" CHECK ("app"."invoice_settings"."default_due_days" between 0 and 365),
	CONSTRAINT "invoice_settings_reminders_range" CHECK ("app"."invoice_settings"."remind_days_before" between 0 and 60 and "app"."invoice_settings"."remind_every_days_after" between 0 and 60)
);
--> statement-breakpoint
ALTER TABLE "app"."invoice_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."tax_rates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"rate_basis_points" integer NOT NULL,
	"inclusive" boolean DEFAULT false NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "tax_rates_name_length" CHECK (length(btrim("app"."tax_rates"."name")) between 1 and 100),
	CONSTRAINT "tax_rates_rate_range" CHECK ("app"."tax_rates"."rate_basis_points" between 0 and 100000)
);
--> statement-breakpoint
ALTER TABLE "app"."tax_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."invoice_settings" ADD CONSTRAINT "invoice_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."tax_rates" ADD CONSTRAINT "tax_rates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tax_rates_tenant_name_idx" ON "app"."tax_rates" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE POLICY "invoice_settings_team_select" ON "app"."invoice_settings" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_settings_team_insert" ON "app"."invoice_settings" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_settings_team_update" ON "app"."invoice_settings" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_settings_team_delete" ON "app"."invoice_settings" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "tax_rates_team_select" ON "app"."tax_rates" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."tax_rates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "tax_rates_team_insert" ON "app"."tax_rates" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."tax_rates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "tax_rates_team_update" ON "app"."tax_rates" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."tax_rates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."tax_rates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "tax_rates_team_delete" ON "app"."tax_rates" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."tax_rates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
ALTER TABLE app.invoice_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.tax_rates FORCE ROW LEVEL SECURITY;
