-- Hand-written: what an invitation or verification link that no longer works has become, so the
-- page opened from it can say which ("replaced", "already accepted", "already verified") instead
-- of calling every one of them expired. Both only read; neither uses up a link.

-- The state of the invitation behind a link: 'pending' (it can be accepted), 'accepted',
-- 'replaced' (a newer invitation went to the same address), or 'expired'. No row: no such link
-- (never sent, or revoked).
CREATE FUNCTION app_system.invitation_state(p_tenant_id uuid, p_token_hash text)
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

-- The state of an email verification link: 'pending' (it can be used), 'verified' (the address
-- it was sent for is confirmed, by this link or another), or 'expired' (used up or out of date
-- while the address is still unconfirmed). No row: no such link.
CREATE FUNCTION app_system.email_verification_state(p_tenant_id uuid, p_token_hash text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT CASE
      WHEN u.email_verified_at IS NOT NULL THEN 'verified'
      WHEN t.used_at IS NOT NULL OR t.expires_at <= now() THEN 'expired'
      ELSE 'pending'
    END
  FROM app.user_tokens t
  JOIN app.users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_verify'
$$;
--> statement-breakpoint

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'app_system'
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO foyer_system', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO foyer_login', f);
  END LOOP;
END
$$;
