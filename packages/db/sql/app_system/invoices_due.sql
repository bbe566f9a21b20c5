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
