-- The state of the invitation behind a link: 'pending' (it can be accepted), 'accepted',
-- 'replaced' (a newer invitation went to the same address), or 'expired'. No row: no such link
-- (never sent, or revoked).
CREATE OR REPLACE FUNCTION app_system.invitation_state(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (email text, role text, expires_at timestamptz, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.email, i.role, i.expires_at,
    CASE
      WHEN i.accepted_at IS NOT NULL THEN 'accepted'
      WHEN EXISTS (
        SELECT 1 FROM app.invitations n
        WHERE n.tenant_id = i.tenant_id AND lower(n.email) = lower(i.email) AND n.created_at > i.created_at
      ) THEN 'replaced'
      WHEN i.expires_at <= now() THEN 'expired'
      ELSE 'pending'
    END
  FROM app.invitations i
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invitation_state(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invitation_state(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invitation_state(uuid,text) TO foyer_login;
