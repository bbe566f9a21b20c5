ALTER TABLE "platform"."operators" ADD COLUMN IF NOT EXISTS "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "platform"."operators" ADD COLUMN IF NOT EXISTS "last_sign_in_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "throttle_window_start_idx" ON "platform"."throttle" USING btree ("window_start");--> statement-breakpoint

-- Hand-written from here (issue #9, sign-in): sessions minted only from a password check made
-- inside the database, no password hashes for the login role, provisioning left to the
-- migration owner, operators' sessions ended with their password, tokens voided by a password
-- or email change, and a purge for throttle rows.

-- A new password for an operator (re-running `foyer operators create`) or disabling one ends
-- every session it has, whoever made the change and however (CLI or plain SQL).
CREATE OR REPLACE FUNCTION platform.end_operator_sessions()
RETURNS trigger
LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  DELETE FROM platform.operator_sessions s WHERE s.operator_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION platform.end_operator_sessions() FROM PUBLIC;
--> statement-breakpoint
DROP TRIGGER IF EXISTS operators_end_sessions ON platform.operators;
--> statement-breakpoint
CREATE TRIGGER operators_end_sessions
AFTER UPDATE OF password_hash, disabled_at ON platform.operators
FOR EACH ROW
WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash
      OR (NEW.disabled_at IS NOT NULL AND OLD.disabled_at IS NULL))
EXECUTE FUNCTION platform.end_operator_sessions();
--> statement-breakpoint

-- Provisioning belongs to the migration owner's (superuser) connection, as plain SQL in
-- packages/db/src/provisioning.ts: the login role must not create or rename tenants.
DROP FUNCTION IF EXISTS app_system.ensure_tenant(text, text);
--> statement-breakpoint
-- Minting an operator session from an id alone let the login role forge one.
DROP FUNCTION IF EXISTS app_system.operator_session_create(uuid, text, timestamptz, text, text);
--> statement-breakpoint

-- Sign-in lookups hand out only what is needed to hash a typed password the same way (the
-- PHC prefix `$argon2id$v=19$m=…,t=…,p=…$<salt>` and the hash's length), never the hash itself.
DROP FUNCTION IF EXISTS app_system.operator_login_lookup(text);
--> statement-breakpoint
CREATE FUNCTION app_system.operator_login_lookup(p_email text)
RETURNS TABLE (operator_id uuid, password_params text, hash_length integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT o.id,
         substr(o.password_hash, 1, length(o.password_hash) - strpos(reverse(o.password_hash), '$')),
         strpos(reverse(o.password_hash), '$') - 1
  FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
$$;
--> statement-breakpoint

-- Operator sign-in: the session exists only if the PHC string the caller computed from the typed
-- password equals the stored one. Digests are compared, so the time taken says nothing about
-- how much of a forged string matched.
CREATE OR REPLACE FUNCTION app_system.operator_sign_in(
  p_email text, p_password_phc text, p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT o.id INTO v_operator FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
    AND sha256(convert_to(o.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_operator IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN v_operator;
END
$$;
--> statement-breakpoint

-- A disabled operator's session is no session (disabling also deletes them; this is the second lock).
CREATE OR REPLACE FUNCTION app_system.operator_session(p_session_id text, p_renew_until timestamptz)
RETURNS TABLE (operator_id uuid, name text, email text, expires_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE platform.operator_sessions s
  SET last_seen_at = now(), expires_at = greatest(s.expires_at, p_renew_until)
  FROM platform.operators o
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.id = s.operator_id AND o.disabled_at IS NULL
  RETURNING o.id, o.name, o.email, s.expires_at
$$;
--> statement-breakpoint

DROP FUNCTION IF EXISTS app_system.login_lookup(uuid, text);
--> statement-breakpoint
CREATE FUNCTION app_system.login_lookup(p_tenant_id uuid, p_email text)
RETURNS TABLE (user_id uuid, password_params text, hash_length integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT u.id,
         substr(u.password_hash, 1, length(u.password_hash) - strpos(reverse(u.password_hash), '$')),
         strpos(reverse(u.password_hash), '$') - 1
  FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email)
    AND u.status = 'active' AND u.password_hash IS NOT NULL
$$;
--> statement-breakpoint

-- Tenant sign-in, like the operator's: the session is inserted only when the computed PHC string
-- matches, and the person's last-seen time is written with it.
CREATE OR REPLACE FUNCTION app_system.sign_in(
  p_tenant_id uuid, p_email text, p_password_phc text, p_session_id text, p_expires timestamptz,
  p_ip text, p_user_agent text
)
RETURNS TABLE (user_id uuid, role text, client_id uuid, name text, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user app.users%ROWTYPE;
BEGIN
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
    AND u.password_hash IS NOT NULL
    AND sha256(convert_to(u.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email;
END
$$;
--> statement-breakpoint

-- A reset also voids a pending email change (which may be an intruder's), besides every other
-- reset link, and ends every session.
CREATE OR REPLACE FUNCTION app_system.reset_password(p_tenant_id uuid, p_token_hash text, p_password_hash text)
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
  WHERE t.tenant_id = p_tenant_id AND t.user_id = v_user
    AND t.purpose IN ('password_reset', 'email_change') AND t.used_at IS NULL;
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

-- Confirming a new address voids reset links mailed to the old one and any other pending change.
CREATE OR REPLACE FUNCTION app_system.confirm_email_change(p_tenant_id uuid, p_token_hash text)
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
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.user_id = v_user
    AND t.purpose IN ('password_reset', 'email_change') AND t.used_at IS NULL;
  RETURN v_user;
END
$$;
--> statement-breakpoint

-- Throttle keys include attacker-chosen emails: rows whose window started long ago count for
-- nothing and are deleted by the scheduled purge. Returns how many went.
CREATE OR REPLACE FUNCTION app_system.throttle_purge(p_older_than_seconds integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  DELETE FROM platform.throttle t
  WHERE t.window_start < now() - make_interval(secs => greatest(p_older_than_seconds, 3600));
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
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
