-- The operator console's view of every tenant's limit and what it sent today (UTC).
CREATE OR REPLACE FUNCTION app_system.operator_email_limits(p_session_id text)
RETURNS TABLE (tenant_id uuid, daily_limit integer, sent_today integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM platform.operator_sessions s WHERE s.id = p_session_id AND s.expires_at > now()
  ) THEN
    RAISE EXCEPTION 'operator session required' USING ERRCODE = '42501';
  END IF;
  RETURN QUERY
    SELECT t.id, t.email_daily_limit, coalesce(u.sent, 0)
    FROM platform.tenants t
    LEFT JOIN platform.email_usage u ON u.tenant_id = t.id AND u.day = (now() AT TIME ZONE 'UTC')::date;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_email_limits(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_email_limits(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_email_limits(text) TO foyer_login;
