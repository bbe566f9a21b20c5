ALTER TABLE "app"."invoices" ADD COLUMN "repeat_every" text;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD COLUMN "repeat_next" date;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD COLUMN "repeat_send" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD COLUMN "repeated_from" uuid;--> statement-breakpoint
CREATE INDEX "invoices_repeat_next_idx" ON "app"."invoices" USING btree ("tenant_id","repeat_next") WHERE "app"."invoices"."repeat_next" is not null;--> statement-breakpoint
ALTER TABLE "app"."invoices" ADD CONSTRAINT "invoices_repeat_shape" CHECK (("app"."invoices"."repeat_every" is null) = ("app"."invoices"."repeat_next" is null) and ("app"."invoices"."repeat_every" is null or "app"."invoices"."repeat_every" in ('month', 'quarter')));--> statement-breakpoint
ALTER POLICY "invoice_lines_team_insert" ON "app"."invoice_lines" TO foyer_team WITH CHECK ("app"."invoice_lines"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "invoice_settings_team_select" ON "app"."invoice_settings" TO foyer_team USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "invoice_settings_team_insert" ON "app"."invoice_settings" TO foyer_team WITH CHECK ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "invoice_settings_team_update" ON "app"."invoice_settings" TO foyer_team USING ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker')) WITH CHECK ("app"."invoice_settings"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "invoices_team_insert" ON "app"."invoices" TO foyer_team WITH CHECK ("app"."invoices"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
-- Retainer invoices whose next copy is due on or before p_today (UTC), across tenants (the repeat
-- job): not void, on an active tenant, oldest first. p_tenant_ids, when given, narrows the list to
-- those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.invoice_repeats_due(p_today date, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, invoice_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.tenant_id, i.id
  FROM app.invoices i
    JOIN platform.tenants tn ON tn.id = i.tenant_id AND tn.status = 'active'
  WHERE i.repeat_next IS NOT NULL AND i.repeat_next <= p_today AND i.voided_at IS NULL
    AND (p_tenant_ids IS NULL OR i.tenant_id = ANY (p_tenant_ids))
  ORDER BY i.repeat_next, i.id
  LIMIT p_limit
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invoice_repeats_due(date, integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invoice_repeats_due(date, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invoice_repeats_due(date, integer, uuid[]) TO foyer_login;
