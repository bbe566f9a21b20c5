-- People owed their summary email, across tenants: active people in active workspaces whose
-- summary (their choice, else p_default) is daily or weekly and whose current period began after
-- the last one went out (or after they joined). A period begins at p_hour o'clock in the
-- person's time zone (UTC when they have none or an unknown one), each day or each Monday.
-- The job claims each person's period as that person before it sends, so two workers send one.
-- p_tenant_ids, when given, narrows the list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.summaries_due(p_now timestamptz, p_default text, p_hour integer, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, user_id uuid, role text, client_id uuid, frequency text, period_start timestamptz, time_zone text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  WITH zones AS MATERIALIZED (
    SELECT z.name FROM pg_catalog.pg_timezone_names z
  ), people AS (
    SELECT u.tenant_id, t.slug, u.id AS user_id, u.role, u.client_id, u.created_at,
      coalesce(es.frequency, p_default) AS frequency, es.last_sent_at,
      coalesce((SELECT z.name FROM zones z WHERE z.name = u.time_zone), 'UTC') AS zone
    FROM app.users u
      JOIN platform.tenants t ON t.id = u.tenant_id
      LEFT JOIN app.email_summaries es ON es.tenant_id = u.tenant_id AND es.user_id = u.id
    WHERE u.status = 'active' AND t.status = 'active'
      AND coalesce(es.frequency, p_default) IN ('daily', 'weekly')
      AND (p_tenant_ids IS NULL OR u.tenant_id = ANY (p_tenant_ids))
  ), periods AS (
    SELECT p.*,
      (date_trunc(CASE WHEN p.frequency = 'daily' THEN 'day' ELSE 'week' END,
         (p_now AT TIME ZONE p.zone) - make_interval(hours => least(greatest(p_hour, 0), 23)))
        + make_interval(hours => least(greatest(p_hour, 0), 23))) AT TIME ZONE p.zone AS period_start
    FROM people p
  )
  SELECT p.tenant_id, p.slug, p.user_id, p.role, p.client_id, p.frequency, p.period_start, p.zone
  FROM periods p
  WHERE coalesce(p.last_sent_at, p.created_at) < p.period_start
  ORDER BY p.period_start, p.tenant_id, p.user_id
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) TO foyer_login;
