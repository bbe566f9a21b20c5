CREATE TABLE "app"."invoice_lines" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"description" text NOT NULL,
	"quantity_milli" bigint NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"discount_kind" text,
	"discount_value" bigint,
	"gross_minor" bigint NOT NULL,
	"discount_minor" bigint NOT NULL,
	"net_minor" bigint NOT NULL,
	"tax_minor" bigint NOT NULL,
	"total_minor" bigint NOT NULL,
	"taxes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "invoice_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoice_lines_description_length" CHECK (length(btrim("app"."invoice_lines"."description")) between 1 and 2000),
	CONSTRAINT "invoice_lines_position_range" CHECK ("app"."invoice_lines"."position" between 0 and 499),
	CONSTRAINT "invoice_lines_discount_shape" CHECK (("app"."invoice_lines"."discount_kind" is null and "app"."invoice_lines"."discount_value" is null) or ("app"."invoice_lines"."discount_kind" = 'percent' and "app"."invoice_lines"."discount_value" between 0 and 10000) or ("app"."invoice_lines"."discount_kind" = 'amount' and "app"."invoice_lines"."discount_value" >= 0))
);
--> statement-breakpoint
ALTER TABLE "app"."invoice_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."invoice_payments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"method" text NOT NULL,
	"reference" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_payments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoice_payments_kind_known" CHECK ("app"."invoice_payments"."kind" in ('payment', 'refund')),
	CONSTRAINT "invoice_payments_amount_positive" CHECK ("app"."invoice_payments"."amount_minor" > 0 and "app"."invoice_payments"."amount_minor" <= 10000000000000),
	CONSTRAINT "invoice_payments_text_lengths" CHECK (length(btrim("app"."invoice_payments"."method")) between 1 and 100 and length("app"."invoice_payments"."reference") <= 200)
);
--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."invoice_reminders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"on_date" date NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_by" uuid,
	CONSTRAINT "invoice_reminders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoice_reminders_kind_known" CHECK ("app"."invoice_reminders"."kind" in ('before', 'due', 'after', 'overdue', 'manual'))
);
--> statement-breakpoint
ALTER TABLE "app"."invoice_reminders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."invoices" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"contact_id" uuid,
	"project_id" uuid,
	"number" text,
	"currency" text NOT NULL,
	"issue_date" date NOT NULL,
	"due_date" date NOT NULL,
	"buyer_name" text NOT NULL,
	"buyer_details" text DEFAULT '' NOT NULL,
	"discount_kind" text,
	"discount_value" bigint,
	"notes" text DEFAULT '' NOT NULL,
	"terms" text DEFAULT '' NOT NULL,
	"subtotal_minor" bigint DEFAULT 0 NOT NULL,
	"discount_minor" bigint DEFAULT 0 NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"taxes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"paid_minor" bigint DEFAULT 0 NOT NULL,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	"issued_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"viewed_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoices_currency_shape" CHECK ("app"."invoices"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "invoices_dates_ordered" CHECK ("app"."invoices"."due_date" >= "app"."invoices"."issue_date"),
	CONSTRAINT "invoices_number_when_issued" CHECK (("app"."invoices"."number" is null) = ("app"."invoices"."issued_at" is null)),
	CONSTRAINT "invoices_number_length" CHECK (length("app"."invoices"."number") <= 40),
	CONSTRAINT "invoices_discount_shape" CHECK (("app"."invoices"."discount_kind" is null and "app"."invoices"."discount_value" is null) or ("app"."invoices"."discount_kind" = 'percent' and "app"."invoices"."discount_value" between 0 and 10000) or ("app"."invoices"."discount_kind" = 'amount' and "app"."invoices"."discount_value" >= 0)),
	CONSTRAINT "invoices_amounts" CHECK ("app"."invoices"."total_minor" >= 0 and "app"."invoices"."paid_minor" >= 0 and "app"."invoices"."refunded_minor" between 0 and "app"."invoices"."paid_minor" and "app"."invoices"."total_minor" <= 10000000000000),
	CONSTRAINT "invoices_text_lengths" CHECK (length("app"."invoices"."buyer_name") <= 300 and length("app"."invoices"."buyer_details") <= 2000 and length("app"."invoices"."notes") <= 5000 and length("app"."invoices"."terms") <= 5000 and length("app"."invoices"."void_reason") <= 500),
	CONSTRAINT "invoices_draft_facts" CHECK ("app"."invoices"."issued_at" is not null or ("app"."invoices"."viewed_at" is null and "app"."invoices"."paid_at" is null and "app"."invoices"."overdue_at" is null and "app"."invoices"."voided_at" is null and "app"."invoices"."paid_minor" = 0))
);
--> statement-breakpoint
ALTER TABLE "app"."invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."invoice_lines" ADD CONSTRAINT "invoice_lines_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoice_lines" ADD CONSTRAINT "invoice_lines_tenant_id_invoice_id_invoices_tenant_id_id_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "app"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD CONSTRAINT "invoice_payments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD CONSTRAINT "invoice_payments_tenant_id_invoice_id_invoices_tenant_id_id_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "app"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoice_reminders" ADD CONSTRAINT "invoice_reminders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoice_reminders" ADD CONSTRAINT "invoice_reminders_tenant_id_invoice_id_invoices_tenant_id_id_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "app"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD CONSTRAINT "invoices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD CONSTRAINT "invoices_tenant_id_client_id_clients_tenant_id_id_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "app"."clients"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD CONSTRAINT "invoices_tenant_id_contact_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD CONSTRAINT "invoices_tenant_id_project_id_projects_tenant_id_id_fk" FOREIGN KEY ("tenant_id","project_id") REFERENCES "app"."projects"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_lines_position_idx" ON "app"."invoice_lines" USING btree ("tenant_id","invoice_id","position");--> statement-breakpoint
CREATE INDEX "invoice_payments_invoice_idx" ON "app"."invoice_payments" USING btree ("tenant_id","invoice_id","paid_on");--> statement-breakpoint
CREATE INDEX "invoice_payments_tenant_date_idx" ON "app"."invoice_payments" USING btree ("tenant_id","paid_on");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_reminders_once_idx" ON "app"."invoice_reminders" USING btree ("tenant_id","invoice_id","kind","on_date") WHERE "app"."invoice_reminders"."kind" <> 'manual';--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_tenant_number_idx" ON "app"."invoices" USING btree ("tenant_id","number") WHERE "app"."invoices"."number" is not null;--> statement-breakpoint
CREATE INDEX "invoices_tenant_client_idx" ON "app"."invoices" USING btree ("tenant_id","client_id","issue_date");--> statement-breakpoint
CREATE INDEX "invoices_tenant_due_idx" ON "app"."invoices" USING btree ("tenant_id","due_date") WHERE "app"."invoices"."issued_at" is not null and "app"."invoices"."voided_at" is null;--> statement-breakpoint
CREATE POLICY "invoice_lines_team_select" ON "app"."invoice_lines" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoice_lines_team_insert" ON "app"."invoice_lines" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_lines_team_update" ON "app"."invoice_lines" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_lines_team_delete" ON "app"."invoice_lines" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_lines_client_select" ON "app"."invoice_lines" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."invoice_lines"."invoice_id" in (select i.id from app.invoices i));--> statement-breakpoint
CREATE POLICY "invoice_payments_team_select" ON "app"."invoice_payments" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoice_payments_team_insert" ON "app"."invoice_payments" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoice_payments_team_update" ON "app"."invoice_payments" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin') WITH CHECK ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_payments_team_delete" ON "app"."invoice_payments" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoice_payments_client_select" ON "app"."invoice_payments" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."invoice_payments"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."invoice_payments"."invoice_id" in (select i.id from app.invoices i));--> statement-breakpoint
CREATE POLICY "invoice_reminders_team_select" ON "app"."invoice_reminders" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invoice_reminders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoice_reminders_team_insert" ON "app"."invoice_reminders" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invoice_reminders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoices_team_select" ON "app"."invoices" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoices_team_insert" ON "app"."invoices" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoices_team_update" ON "app"."invoices" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker')) WITH CHECK ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "invoices_team_delete" ON "app"."invoices" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "invoices_client_select" ON "app"."invoices" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."invoices"."issued_at" is not null and ("app"."invoices"."client_id" = (select u.client_id from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid)) or "app"."invoices"."contact_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) and coalesce((select 'invoices' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "invoices_client_update" ON "app"."invoices" AS PERMISSIVE FOR UPDATE TO "foyer_client" USING ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."invoices"."viewed_at" is null and "app"."invoices"."issued_at" is not null and ("app"."invoices"."client_id" = (select u.client_id from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid)) or "app"."invoices"."contact_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) and coalesce((select 'invoices' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)) WITH CHECK ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."invoices"."viewed_at" = now());--> statement-breakpoint
ALTER TABLE app.invoices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.invoice_lines FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.invoice_payments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.invoice_reminders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A client reads the invoices addressed to them (not who created one) and marks one viewed.
GRANT SELECT (tenant_id, id, client_id, contact_id, project_id, number, currency, issue_date, due_date, buyer_name, buyer_details, discount_kind, discount_value, notes, terms, subtotal_minor, discount_minor, tax_minor, total_minor, taxes, paid_minor, refunded_minor, issued_at, sent_at, viewed_at, overdue_at, paid_at, voided_at, void_reason, created_at, updated_at) ON app.invoices TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (viewed_at) ON app.invoices TO foyer_client;
--> statement-breakpoint
GRANT SELECT ON app.invoice_lines TO foyer_client;
--> statement-breakpoint
GRANT SELECT (tenant_id, id, invoice_id, kind, amount_minor, paid_on, method, reference, created_at) ON app.invoice_payments TO foyer_client;
--> statement-breakpoint
-- An invoice's status from its stored facts: the rule of @foyer/billing's invoiceStatus, for the
-- queries that filter and count by status (a test compares the two). Today is the caller's.
CREATE OR REPLACE FUNCTION app.invoice_status(p_issued boolean, p_voided boolean, p_due date, p_viewed boolean, p_total bigint, p_paid bigint, p_refunded bigint, p_today date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT CASE
    WHEN p_voided THEN 'void'
    WHEN NOT p_issued THEN 'draft'
    WHEN p_refunded > 0 THEN CASE WHEN p_refunded = p_paid THEN 'refunded' ELSE 'partially_refunded' END
    WHEN p_paid >= p_total THEN 'paid'
    WHEN p_due IS NOT NULL AND p_due < p_today THEN 'overdue'
    WHEN p_paid > 0 THEN 'partially_paid'
    WHEN p_viewed THEN 'viewed'
    ELSE 'sent'
  END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.invoice_status(boolean, boolean, date, boolean, bigint, bigint, bigint, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.invoice_status(boolean, boolean, date, boolean, bigint, bigint, bigint, date) TO foyer_team, foyer_client, foyer_system;
--> statement-breakpoint
GRANT SELECT ON app.invoices, app.invoice_settings, app.invoice_reminders TO foyer_system;
--> statement-breakpoint
-- Invoices the scheduled jobs have something to do for on p_today (UTC), across tenants: one row
-- per invoice and reason. `overdue`: past its due date, still asking for money, and not yet marked
-- (the job records the moment and sends the overdue notice). `before`, `due`, `after`: the
-- tenant's reminder schedule (days before the due date, on it, every N days after), each sent at
-- most once a day (app.invoice_reminders keeps them). p_tenant_ids, when given, narrows the list
-- to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.invoices_due(p_today date, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, invoice_id uuid, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.tenant_id, i.id, due.reason
  FROM app.invoices i
    JOIN platform.tenants tn ON tn.id = i.tenant_id AND tn.status = 'active'
    LEFT JOIN app.invoice_settings s ON s.tenant_id = i.tenant_id
    CROSS JOIN LATERAL (
      SELECT 'overdue' AS reason WHERE i.due_date < p_today AND i.overdue_at IS NULL
      UNION ALL
      SELECT 'before' WHERE coalesce(s.remind_days_before, 3) > 0
        AND i.due_date - coalesce(s.remind_days_before, 3) = p_today
      UNION ALL
      SELECT 'due' WHERE coalesce(s.remind_on_due_date, true) AND i.due_date = p_today
      UNION ALL
      SELECT 'after' WHERE coalesce(s.remind_every_days_after, 7) > 0 AND p_today > i.due_date
        AND (p_today - i.due_date) % coalesce(s.remind_every_days_after, 7) = 0
    ) AS due
  WHERE i.issued_at IS NOT NULL AND i.voided_at IS NULL
    AND (p_tenant_ids IS NULL OR i.tenant_id = ANY (p_tenant_ids))
    AND app.invoice_status(true, false, i.due_date, i.viewed_at IS NOT NULL, i.total_minor, i.paid_minor,
          i.refunded_minor, p_today) IN ('sent', 'viewed', 'partially_paid', 'overdue')
    AND (due.reason = 'overdue' OR NOT EXISTS (
      SELECT 1 FROM app.invoice_reminders r WHERE r.tenant_id = i.tenant_id AND r.invoice_id = i.id
        AND r.kind = due.reason AND r.on_date = p_today))
  ORDER BY i.due_date, i.id
  LIMIT p_limit
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invoices_due(date, integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invoices_due(date, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invoices_due(date, integer, uuid[]) TO foyer_login;
--> statement-breakpoint
-- The reminders sent are the invoice's history, and what keeps two workers from sending one
-- twice: added and read, never changed or removed (an invoice's deletion takes its reminders).
REVOKE UPDATE, DELETE, TRUNCATE ON app.invoice_reminders FROM foyer_team;
