-- Hand-written: FORCE and grants for the sign-in tables, and the app_system functions that run
-- before a user is known (sign-up, sign-in, sessions, reset, invitations, throttling) or across
-- tenants (the operator console).

ALTER TABLE app.sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.user_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Clients read and edit only their own account (RLS picks the row; these pick the columns).
GRANT SELECT ON app.users TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (name, email, password_hash) ON app.users TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON app.sessions TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (last_seen_at, expires_at) ON app.sessions TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON app.user_tokens TO foyer_client;
--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE, DELETE ON app.users, app.sessions, app.user_tokens, app.invitations TO foyer_system;
--> statement-breakpoint
GRANT INSERT ON app.branding TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.operators, platform.operator_sessions, platform.throttle TO foyer_system;
--> statement-breakpoint

-- Is a workspace address free? (Reserved words are checked by the application.)
CREATE FUNCTION app_system.slug_available(p_slug text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT NOT EXISTS (SELECT 1 FROM platform.tenants t WHERE t.slug = p_slug)
$$;
--> statement-breakpoint

-- Sign-up: the tenant, its default branding, its first admin and the one-time hand-off token
-- that signs the admin in on the new host. A taken slug or email raises unique_violation.
CREATE FUNCTION app_system.sign_up(
  p_slug text, p_name text, p_admin_name text, p_email text, p_password_hash text,
  p_handoff_hash text, p_handoff_expires timestamptz
)
RETURNS TABLE (tenant_id uuid, user_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_tenant uuid;
  v_user uuid;
BEGIN
  INSERT INTO platform.tenants (slug, name) VALUES (p_slug, p_name) RETURNING id INTO v_tenant;
  INSERT INTO app.branding (tenant_id, display_name) VALUES (v_tenant, p_name);
  INSERT INTO app.users (tenant_id, email, name, role, password_hash)
    VALUES (v_tenant, p_email, p_admin_name, 'admin', p_password_hash)
    RETURNING id INTO v_user;
  INSERT INTO app.user_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
    VALUES (v_tenant, v_user, 'handoff', p_handoff_hash, p_handoff_expires);
  RETURN QUERY SELECT v_tenant, v_user;
END
$$;
--> statement-breakpoint

-- Sign-in: the account behind an email in one tenant, with its password hash to verify.
CREATE FUNCTION app_system.login_lookup(p_tenant_id uuid, p_email text)
RETURNS TABLE (user_id uuid, password_hash text, status text, role text, client_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT u.id, u.password_hash, u.status, u.role, u.client_id
  FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email)
$$;
--> statement-breakpoint

-- Token -> session: the signed-in person, if the session is live in this tenant and they are active.
CREATE FUNCTION app_system.session_for_token(p_tenant_id uuid, p_session_id text)
RETURNS TABLE (
  user_id uuid, role text, client_id uuid, name text, email text,
  expires_at timestamptz, last_seen_at timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT u.id, u.role, u.client_id, u.name, u.email, s.expires_at, s.last_seen_at
  FROM app.sessions s
  JOIN app.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
  WHERE s.tenant_id = p_tenant_id AND s.id = p_session_id
    AND s.expires_at > now() AND u.status = 'active'
$$;
--> statement-breakpoint

-- The sign-up hand-off: single use, short-lived, bound to the tenant it was issued for.
CREATE FUNCTION app_system.redeem_handoff(p_tenant_id uuid, p_token_hash text)
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE app.user_tokens t SET used_at = now()
  FROM app.users u
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'handoff'
    AND t.used_at IS NULL AND t.expires_at > now()
    AND u.tenant_id = t.tenant_id AND u.id = t.user_id AND u.status = 'active'
  RETURNING t.user_id
$$;
--> statement-breakpoint

-- "Forgot your password?": stores a reset token for an active account and returns whom to
-- mail; returns nothing for an unknown address (the caller answers the same either way).
CREATE FUNCTION app_system.request_password_reset(
  p_tenant_id uuid, p_email text, p_token_hash text, p_expires timestamptz
)
RETURNS TABLE (user_id uuid, name text, email text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  WITH account AS (
    SELECT u.tenant_id, u.id, u.name, u.email FROM app.users u
    WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
  ), issued AS (
    INSERT INTO app.user_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
    SELECT a.tenant_id, a.id, 'password_reset', p_token_hash, p_expires FROM account a
    RETURNING user_tokens.user_id
  )
  SELECT a.id, a.name, a.email FROM account a JOIN issued i ON i.user_id = a.id
$$;
--> statement-breakpoint

-- Reset: uses the token (and every other outstanding reset token of the account), sets the
-- new password and ends every session, in one transaction.
CREATE FUNCTION app_system.reset_password(p_tenant_id uuid, p_token_hash text, p_password_hash text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'password_reset'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.user_id = v_user AND t.purpose = 'password_reset' AND t.used_at IS NULL;
  UPDATE app.users u SET password_hash = p_password_hash
  WHERE u.tenant_id = p_tenant_id AND u.id = v_user AND u.status = 'active';
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  DELETE FROM app.sessions s WHERE s.tenant_id = p_tenant_id AND s.user_id = v_user;
  RETURN v_user;
END
$$;
--> statement-breakpoint

-- Confirms a new email address from the link sent to it. A taken address raises unique_violation.
CREATE FUNCTION app_system.confirm_email_change(p_tenant_id uuid, p_token_hash text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_email text;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_change'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id, t.new_email INTO v_user, v_email;
  IF v_user IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE app.users u SET email = v_email WHERE u.tenant_id = p_tenant_id AND u.id = v_user;
  RETURN v_user;
END
$$;
--> statement-breakpoint

-- The invitation behind a link, to show whom it is for before they accept it.
CREATE FUNCTION app_system.invitation_for_token(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (email text, role text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.email, i.role, i.expires_at
  FROM app.invitations i
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
$$;
--> statement-breakpoint

-- Accepting an invitation creates the member with the password they chose. Single use; an
-- email already in the tenant raises unique_violation.
CREATE FUNCTION app_system.accept_invitation(
  p_tenant_id uuid, p_token_hash text, p_name text, p_password_hash text
)
RETURNS TABLE (user_id uuid, role text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_email text;
  v_role text;
  v_user uuid;
BEGIN
  UPDATE app.invitations i SET accepted_at = now()
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
  RETURNING i.email, i.role INTO v_email, v_role;
  IF v_email IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO app.users (tenant_id, email, name, role, password_hash)
    VALUES (p_tenant_id, v_email, p_name, v_role, p_password_hash)
    RETURNING id INTO v_user;
  RETURN QUERY SELECT v_user, v_role;
END
$$;
--> statement-breakpoint

-- Fixed-window throttle: counts one hit on `p_key` and says whether it is within `p_limit`.
CREATE FUNCTION app_system.throttle_hit(p_key text, p_limit integer, p_window_seconds integer)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  INSERT INTO platform.throttle AS t (key, window_start, hits) VALUES (p_key, now(), 1)
  ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN t.window_start <= now() - make_interval(secs => p_window_seconds)
                        THEN now() ELSE t.window_start END,
    hits = CASE WHEN t.window_start <= now() - make_interval(secs => p_window_seconds)
                THEN 1 ELSE t.hits + 1 END
  RETURNING hits <= p_limit
$$;
--> statement-breakpoint

CREATE FUNCTION app_system.throttle_clear(p_key text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  DELETE FROM platform.throttle t WHERE t.key = p_key
$$;
--> statement-breakpoint

-- Operators sign in on the platform host; their sessions live in platform.
CREATE FUNCTION app_system.operator_login_lookup(p_email text)
RETURNS TABLE (operator_id uuid, password_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT o.id, o.password_hash FROM platform.operators o WHERE lower(o.email) = lower(p_email)
$$;
--> statement-breakpoint

CREATE FUNCTION app_system.operator_session_create(
  p_operator_id uuid, p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, p_operator_id, p_expires, p_ip, p_user_agent)
$$;
--> statement-breakpoint

-- Token -> operator session, sliding: renews the expiry and last-seen time as it reads.
CREATE FUNCTION app_system.operator_session(p_session_id text, p_renew_until timestamptz)
RETURNS TABLE (operator_id uuid, name text, email text, expires_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE platform.operator_sessions s
  SET last_seen_at = now(), expires_at = greatest(s.expires_at, p_renew_until)
  FROM platform.operators o
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.id = s.operator_id
  RETURNING o.id, o.name, o.email, s.expires_at
$$;
--> statement-breakpoint

CREATE FUNCTION app_system.operator_session_end(p_session_id text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  DELETE FROM platform.operator_sessions s WHERE s.id = p_session_id
$$;
--> statement-breakpoint

-- The operator console's tenant list. It answers only for a live operator session, so the
-- login role alone cannot list tenants.
CREATE FUNCTION app_system.operator_tenants(p_session_id text)
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
    SELECT t.id, t.slug, t.name, t.status, t.created_at,
      (SELECT count(*) FROM app.users u WHERE u.tenant_id = t.id),
      (SELECT max(s.last_seen_at) FROM app.sessions s WHERE s.tenant_id = t.id)
    FROM platform.tenants t
    ORDER BY t.created_at DESC;
END
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
