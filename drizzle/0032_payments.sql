CREATE TABLE "app"."gateway_events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"gateway_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"outcome" text NOT NULL,
	"invoice_id" uuid,
	"amount_minor" bigint,
	"currency" text,
	"detail" text DEFAULT '' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "gateway_events_outcome_known" CHECK ("app"."gateway_events"."outcome" in ('applied', 'ignored', 'flagged')),
	CONSTRAINT "gateway_events_text_lengths" CHECK (length("app"."gateway_events"."event_id") between 1 and 255 and length("app"."gateway_events"."type") <= 100 and length("app"."gateway_events"."detail") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "app"."gateway_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."payment_checkouts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"gateway_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"external_ref" text,
	"payment_ref" text,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_checkouts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "payment_checkouts_status_known" CHECK ("app"."payment_checkouts"."status" in ('open', 'paid', 'failed')),
	CONSTRAINT "payment_checkouts_amount_positive" CHECK ("app"."payment_checkouts"."amount_minor" > 0 and "app"."payment_checkouts"."amount_minor" <= 10000000000000),
	CONSTRAINT "payment_checkouts_currency_shape" CHECK ("app"."payment_checkouts"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "payment_checkouts_ref_lengths" CHECK (length("app"."payment_checkouts"."external_ref") <= 255 and length("app"."payment_checkouts"."payment_ref") <= 255)
);
--> statement-breakpoint
ALTER TABLE "app"."payment_checkouts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."payment_gateways" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"connection" text NOT NULL,
	"mode" text NOT NULL,
	"account_ref" text,
	"credentials" text,
	"endpoint_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"ready" boolean DEFAULT false NOT NULL,
	"offered" boolean DEFAULT true NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"checked_at" timestamp with time zone,
	"check_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_gateways_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "payment_gateways_kind_known" CHECK ("app"."payment_gateways"."kind" in ('stripe', 'paypal', 'twocheckout')),
	CONSTRAINT "payment_gateways_connection_known" CHECK ("app"."payment_gateways"."connection" in ('connect', 'keys')),
	CONSTRAINT "payment_gateways_mode_known" CHECK ("app"."payment_gateways"."mode" in ('test', 'live')),
	CONSTRAINT "payment_gateways_credentials_shape" CHECK (("app"."payment_gateways"."connection" = 'connect' and "app"."payment_gateways"."account_ref" is not null) or ("app"."payment_gateways"."connection" = 'keys' and "app"."payment_gateways"."credentials" is not null)),
	CONSTRAINT "payment_gateways_text_lengths" CHECK (length("app"."payment_gateways"."account_ref") <= 200 and length("app"."payment_gateways"."credentials") <= 4000 and length("app"."payment_gateways"."label") <= 200 and length("app"."payment_gateways"."check_error") <= 500)
);
--> statement-breakpoint
ALTER TABLE "app"."payment_gateways" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform"."payment_routes" (
	"endpoint_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"account_ref" text,
	"tenant_id" uuid NOT NULL,
	"gateway_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" DROP CONSTRAINT "invoice_payments_kind_known";--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD COLUMN "gateway_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD COLUMN "external_ref" text;--> statement-breakpoint
ALTER TABLE "app"."invoice_settings" ADD COLUMN "partial_payments" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."gateway_events" ADD CONSTRAINT "gateway_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."gateway_events" ADD CONSTRAINT "gateway_events_tenant_id_gateway_id_payment_gateways_tenant_id_id_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "app"."payment_gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."payment_checkouts" ADD CONSTRAINT "payment_checkouts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."payment_checkouts" ADD CONSTRAINT "payment_checkouts_tenant_id_invoice_id_invoices_tenant_id_id_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "app"."invoices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."payment_checkouts" ADD CONSTRAINT "payment_checkouts_tenant_id_gateway_id_payment_gateways_tenant_id_id_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "app"."payment_gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."payment_gateways" ADD CONSTRAINT "payment_gateways_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."payment_routes" ADD CONSTRAINT "payment_routes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gateway_events_once_idx" ON "app"."gateway_events" USING btree ("tenant_id","gateway_id","event_id");--> statement-breakpoint
CREATE INDEX "gateway_events_invoice_idx" ON "app"."gateway_events" USING btree ("tenant_id","invoice_id","received_at");--> statement-breakpoint
CREATE INDEX "gateway_events_flagged_idx" ON "app"."gateway_events" USING btree ("tenant_id","received_at") WHERE "app"."gateway_events"."outcome" = 'flagged';--> statement-breakpoint
CREATE INDEX "payment_checkouts_invoice_idx" ON "app"."payment_checkouts" USING btree ("tenant_id","invoice_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_checkouts_payment_idx" ON "app"."payment_checkouts" USING btree ("tenant_id","gateway_id","payment_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_gateways_kind_idx" ON "app"."payment_gateways" USING btree ("tenant_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_routes_account_idx" ON "platform"."payment_routes" USING btree ("kind","account_ref") WHERE "platform"."payment_routes"."account_ref" is not null;--> statement-breakpoint
CREATE INDEX "payment_routes_tenant_idx" ON "platform"."payment_routes" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_payments_external_idx" ON "app"."invoice_payments" USING btree ("tenant_id","gateway_id","kind","external_ref") WHERE "app"."invoice_payments"."external_ref" is not null and "app"."invoice_payments"."kind" <> 'refund';--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD CONSTRAINT "invoice_payments_external_length" CHECK (length("app"."invoice_payments"."external_ref") <= 255);--> statement-breakpoint
ALTER TABLE "app"."invoice_payments" ADD CONSTRAINT "invoice_payments_kind_known" CHECK ("app"."invoice_payments"."kind" in ('payment', 'refund', 'dispute', 'reinstatement'));--> statement-breakpoint
CREATE POLICY "invoice_settings_client_select" ON "app"."invoice_settings" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and coalesce((select 'invoices' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "gateway_events_team_select" ON "app"."gateway_events" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."gateway_events"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "gateway_events_team_insert" ON "app"."gateway_events" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."gateway_events"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "payment_checkouts_team_select" ON "app"."payment_checkouts" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "payment_checkouts_team_update" ON "app"."payment_checkouts" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'worker') WITH CHECK ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "payment_checkouts_team_delete" ON "app"."payment_checkouts" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "payment_checkouts_client_select" ON "app"."payment_checkouts" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."payment_checkouts"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "payment_checkouts_client_insert" ON "app"."payment_checkouts" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."payment_checkouts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."payment_checkouts"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."payment_checkouts"."status" = 'open' and "app"."payment_checkouts"."external_ref" is null and "app"."payment_checkouts"."payment_ref" is null and "app"."payment_checkouts"."gateway_id" in (select g.id from app.payment_gateways g) and "app"."payment_checkouts"."invoice_id" in (select i.id from app.invoices i where i.currency = "app"."payment_checkouts"."currency" and i.voided_at is null and i.total_minor - i.paid_minor + i.refunded_minor >= "app"."payment_checkouts"."amount_minor"));--> statement-breakpoint
CREATE POLICY "payment_gateways_team_select" ON "app"."payment_gateways" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "payment_gateways_team_insert" ON "app"."payment_gateways" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "payment_gateways_team_update" ON "app"."payment_gateways" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker')) WITH CHECK ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "payment_gateways_team_delete" ON "app"."payment_gateways" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');--> statement-breakpoint
CREATE POLICY "payment_gateways_client_select" ON "app"."payment_gateways" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."payment_gateways"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."payment_gateways"."ready" and "app"."payment_gateways"."offered" and coalesce((select 'invoices' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
ALTER TABLE app.payment_gateways FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.payment_checkouts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.gateway_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The event log is append-only: a notification is applied once, and what it did stays on record.
REVOKE UPDATE, DELETE, TRUNCATE ON app.gateway_events FROM foyer_team;
--> statement-breakpoint
-- A client learns which gateways are offered (never their credentials or endpoints), starts a
-- checkout for an invoice they can read and reads their own checkouts, and reads whether part of
-- a balance may be paid.
GRANT SELECT (tenant_id, id, kind, mode, ready, offered) ON app.payment_gateways TO foyer_client;
--> statement-breakpoint
GRANT SELECT (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, status, created_by, created_at, updated_at) ON app.payment_checkouts TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, id, invoice_id, gateway_id, amount_minor, currency, created_by) ON app.payment_checkouts TO foyer_client;
--> statement-breakpoint
GRANT SELECT (tenant_id, partial_payments) ON app.invoice_settings TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.payment_routes TO foyer_system;
--> statement-breakpoint
-- Keeps platform.payment_routes in step with app.payment_gateways: a gateway's endpoint id and
-- (Connect) account id, to its tenant. Fired AFTER INSERT, UPDATE or DELETE on the gateways, so
-- the route exists exactly while the gateway does. A connected account already routed to another
-- tenant fails the unique index: one agency per account.
CREATE OR REPLACE FUNCTION app_system.payment_gateway_routes()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM platform.payment_routes WHERE endpoint_id = OLD.endpoint_id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.endpoint_id <> NEW.endpoint_id THEN
    DELETE FROM platform.payment_routes WHERE endpoint_id = OLD.endpoint_id;
  END IF;
  INSERT INTO platform.payment_routes AS r (endpoint_id, kind, account_ref, tenant_id, gateway_id)
  VALUES (NEW.endpoint_id, NEW.kind, NEW.account_ref, NEW.tenant_id, NEW.id)
  ON CONFLICT (endpoint_id) DO UPDATE
    SET kind = excluded.kind, account_ref = excluded.account_ref,
        tenant_id = excluded.tenant_id, gateway_id = excluded.gateway_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.payment_gateway_routes() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.payment_gateway_routes() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.payment_gateway_routes() TO foyer_login;

--> statement-breakpoint
CREATE TRIGGER payment_gateways_routes AFTER INSERT OR UPDATE OF endpoint_id, kind, account_ref OR DELETE ON app.payment_gateways
  FOR EACH ROW EXECUTE FUNCTION app_system.payment_gateway_routes();
--> statement-breakpoint
-- A gateway notification -> the tenant and gateway it belongs to, before anything in it is
-- trusted: by the endpoint it arrived at (an agency's own credentials), or by the gateway kind and
-- the connected account its verified event names (Connect). Active tenants only.
CREATE OR REPLACE FUNCTION app_system.payment_route(p_endpoint uuid, p_kind text, p_account text)
RETURNS TABLE (tenant_id uuid, gateway_id uuid, kind text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT r.tenant_id, r.gateway_id, r.kind
  FROM platform.payment_routes r JOIN platform.tenants t ON t.id = r.tenant_id AND t.status = 'active'
  WHERE (p_endpoint IS NOT NULL AND r.endpoint_id = p_endpoint)
     OR (p_endpoint IS NULL AND r.kind = p_kind AND r.account_ref = p_account)
  LIMIT 1
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.payment_route(uuid, text, text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.payment_route(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.payment_route(uuid, text, text) TO foyer_login;
