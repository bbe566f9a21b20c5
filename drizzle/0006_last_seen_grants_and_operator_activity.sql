-- Clients record their own activity; the operator console reads it from users rather than from
-- live sessions, so an agency whose people signed out still shows when they were last there.
GRANT UPDATE (last_seen_at) ON app.users TO foyer_client;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_system.operator_tenants(p_session_id text)
RETURNS TABLE (
  tenant_id uuid, slug text, name text, status text, created_at timestamptz,
  users bigint, last_activity timestamptz
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
    SELECT t.id, t.slug, t.name, t.status, t.created_at, count(u.id), max(u.last_seen_at)
    FROM platform.tenants t
    LEFT JOIN app.users u ON u.tenant_id = t.id
    GROUP BY t.id
    ORDER BY t.created_at DESC;
END
$$;
