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
