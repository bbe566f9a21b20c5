-- The state of the invitation behind a link: 'pending' (it can be accepted), 'accepted',
-- 'replaced' (a newer invitation went to the same address or person), or 'expired'. No row: no
-- such link (never sent, or revoked). A client invitation also names the person the admin added;
-- it counts as accepted once they have a password, and as expired while they are deactivated.
CREATE OR REPLACE FUNCTION app_system.invitation_state(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (email text, role text, expires_at timestamptz, state text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.email, i.role, i.expires_at,
    CASE
      WHEN i.accepted_at IS NOT NULL THEN 'accepted'
      WHEN u.password_hash IS NOT NULL THEN 'accepted'
      WHEN EXISTS (
        SELECT 1 FROM app.invitations n
        WHERE n.tenant_id = i.tenant_id AND n.created_at > i.created_at
          AND (lower(n.email) = lower(i.email) OR n.user_id = i.user_id)
      ) THEN 'replaced'
      WHEN i.expires_at <= now() OR u.status = 'deactivated' THEN 'expired'
      ELSE 'pending'
    END,
    u.name
  FROM app.invitations i
  LEFT JOIN app.users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invitation_state(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invitation_state(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invitation_state(uuid,text) TO foyer_login;
