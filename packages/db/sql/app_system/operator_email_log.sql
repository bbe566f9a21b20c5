-- The operator console's email log: every tenant's mail, newest first, for a live operator session.
CREATE OR REPLACE FUNCTION app_system.operator_email_log(p_session_id text, p_limit integer, p_before timestamptz)
RETURNS TABLE (
  tenant_id uuid, tenant_slug text, tenant_name text, id uuid, template text, recipient text,
  status text, attempts integer, last_error text, created_at timestamptz, sent_at timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM platform.operator_sessions s WHERE s.id = p_session_id AND s.expires_at > now()
  ) THEN
    RAISE EXCEPTION 'operator session required' USING ERRCODE = '42501';
  END IF;
  RETURN QUERY
    SELECT o.tenant_id, t.slug, t.name, o.id, o.template,
           coalesce(o.recipient, o.to_address, u.email), o.status, o.attempts, o.last_error,
           o.created_at, o.sent_at
    FROM app.outbox o
    JOIN platform.tenants t ON t.id = o.tenant_id
    LEFT JOIN app.users u ON u.tenant_id = o.tenant_id AND u.id = o.user_id
    WHERE p_before IS NULL OR o.created_at < p_before
    ORDER BY o.created_at DESC
    LIMIT least(greatest(p_limit, 1), 200);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_email_log(text,integer,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_email_log(text,integer,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_email_log(text,integer,timestamp with time zone) TO foyer_login;
