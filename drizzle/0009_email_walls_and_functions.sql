-- Hand-written: FORCE and grants for the email and notification tables, and the app_system
-- functions for the outbox (claim and settle across tenants), scheduled jobs, email
-- verification, and the operator's email log. Sign-up and reset requests now write their email
-- to the outbox in the same transaction as their token.

ALTER TABLE app.email_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.email_templates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.notification_preferences FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Clients cause emails and notifications, read and mark their own, and choose their own emails.
GRANT INSERT ON app.outbox TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON app.notifications TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (read_at) ON app.notifications TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON app.notification_preferences TO foyer_client;
--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE ON app.outbox TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON platform.scheduled_jobs TO foyer_system;
--> statement-breakpoint

-- The worker's claim: due rows of every tenant (and rows whose lease ran out, after a crash),
-- locked with SKIP LOCKED so concurrent workers take disjoint rows, leased to one claim id.
-- p_tenant_ids, when given, narrows the claim to those tenants (tests sharing one database).
CREATE FUNCTION app_system.outbox_claim(p_limit integer, p_lease_seconds integer, p_tenant_ids uuid[])
RETURNS TABLE (
  tenant_id uuid, tenant_slug text, id uuid, claim_id uuid, template text, user_id uuid,
  to_address text, event text, vars jsonb, attempts integer, created_at timestamptz
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_claim uuid := gen_random_uuid();
BEGIN
  RETURN QUERY
    WITH due AS (
      SELECT o.tenant_id, o.id FROM app.outbox o
      WHERE o.status IN ('queued', 'sending')
        AND (p_tenant_ids IS NULL OR o.tenant_id = ANY (p_tenant_ids))
        AND ((o.status = 'queued' AND o.next_attempt_at <= now())
          OR (o.status = 'sending' AND o.lease_until < now()))
      ORDER BY o.next_attempt_at
      LIMIT least(greatest(p_limit, 1), 500)
      FOR UPDATE OF o SKIP LOCKED
    )
    UPDATE app.outbox o
       SET status = 'sending', claim_id = v_claim, attempts = o.attempts + 1, updated_at = now(),
           lease_until = now() + make_interval(secs => greatest(p_lease_seconds, 1))
      FROM due JOIN platform.tenants t ON t.id = due.tenant_id
     WHERE o.tenant_id = due.tenant_id AND o.id = due.id
    RETURNING o.tenant_id, t.slug, o.id, o.claim_id, o.template, o.user_id, o.to_address, o.event, o.vars,
              o.attempts, o.created_at;
END
$$;
--> statement-breakpoint

-- Records the outcome of one claimed row, only if the claim still holds (a worker whose lease ran
-- out cannot overwrite the newer claim). Sent and suppressed rows drop their variables, which may
-- hold single-use links.
CREATE FUNCTION app_system.outbox_settle(
  p_tenant_id uuid, p_id uuid, p_claim_id uuid, p_outcome text, p_recipient text,
  p_transport text, p_response text, p_error text, p_retry_at timestamptz
)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF p_outcome NOT IN ('sent', 'failed', 'retry', 'suppressed') THEN
    RAISE EXCEPTION 'unknown outcome %', p_outcome USING ERRCODE = '22023';
  END IF;
  UPDATE app.outbox o
     SET status = CASE p_outcome WHEN 'retry' THEN 'queued' ELSE p_outcome END,
         next_attempt_at = CASE WHEN p_outcome = 'retry' THEN coalesce(p_retry_at, now()) ELSE o.next_attempt_at END,
         lease_until = NULL, claim_id = NULL,
         recipient = coalesce(p_recipient, o.recipient),
         transport = coalesce(p_transport, o.transport),
         response = left(p_response, 1000),
         last_error = left(p_error, 1000),
         sent_at = CASE WHEN p_outcome = 'sent' THEN now() ELSE o.sent_at END,
         vars = CASE WHEN p_outcome IN ('sent', 'suppressed') THEN '{}'::jsonb ELSE o.vars END,
         updated_at = now()
   WHERE o.tenant_id = p_tenant_id AND o.id = p_id AND o.claim_id = p_claim_id AND o.status = 'sending';
  RETURN FOUND;
END
$$;
--> statement-breakpoint

-- One tick of a periodic job: true for exactly one caller per due tick, across nodes.
CREATE FUNCTION app_system.claim_scheduled_job(p_name text, p_interval_seconds integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO platform.scheduled_jobs (name, next_run_at) VALUES (p_name, now())
  ON CONFLICT (name) DO NOTHING;
  UPDATE platform.scheduled_jobs j
     SET next_run_at = now() + make_interval(secs => greatest(p_interval_seconds, 1)),
         last_started_at = now()
   WHERE j.name = p_name AND j.next_run_at <= now();
  RETURN FOUND;
END
$$;
--> statement-breakpoint

CREATE FUNCTION app_system.finish_scheduled_job(p_name text, p_error text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE platform.scheduled_jobs SET last_finished_at = now(), last_error = left(p_error, 1000)
  WHERE name = p_name
$$;
--> statement-breakpoint

-- Sign-up now also issues the email-verification token and queues its email.
DROP FUNCTION app_system.sign_up(text, text, text, text, text, text, timestamptz);
--> statement-breakpoint
CREATE FUNCTION app_system.sign_up(
  p_slug text, p_name text, p_admin_name text, p_email text, p_password_hash text,
  p_handoff_hash text, p_handoff_expires timestamptz,
  p_verify_hash text, p_verify_expires timestamptz, p_verify_vars jsonb
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
    VALUES (v_tenant, v_user, 'handoff', p_handoff_hash, p_handoff_expires),
           (v_tenant, v_user, 'email_verify', p_verify_hash, p_verify_expires);
  INSERT INTO app.outbox (tenant_id, template, user_id, vars)
    VALUES (v_tenant, 'email-verification', v_user, coalesce(p_verify_vars, '{}'::jsonb));
  RETURN QUERY SELECT v_tenant, v_user;
END
$$;
--> statement-breakpoint

-- Reset requests queue their email with the token, in one statement.
DROP FUNCTION app_system.request_password_reset(uuid, text, text, timestamptz);
--> statement-breakpoint
CREATE FUNCTION app_system.request_password_reset(
  p_tenant_id uuid, p_email text, p_token_hash text, p_expires timestamptz, p_vars jsonb
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
  ), queued AS (
    INSERT INTO app.outbox (tenant_id, template, user_id, vars)
    SELECT a.tenant_id, 'password-reset', a.id, coalesce(p_vars, '{}'::jsonb) FROM account a
    RETURNING outbox.user_id
  )
  SELECT a.id, a.name, a.email FROM account a JOIN issued i ON i.user_id = a.id JOIN queued q ON q.user_id = a.id
$$;
--> statement-breakpoint

-- Confirms an address from the verification link. Single use; the link may be opened signed out.
CREATE FUNCTION app_system.verify_email(p_tenant_id uuid, p_token_hash text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user uuid;
BEGIN
  UPDATE app.user_tokens t SET used_at = now()
  WHERE t.tenant_id = p_tenant_id AND t.token_hash = p_token_hash AND t.purpose = 'email_verify'
    AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE app.users u SET email_verified_at = coalesce(u.email_verified_at, now())
  WHERE u.tenant_id = p_tenant_id AND u.id = v_user AND u.status = 'active';
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN v_user;
END
$$;
--> statement-breakpoint

-- The operator console's email log: every tenant's mail, newest first, for a live operator session.
CREATE FUNCTION app_system.operator_email_log(p_session_id text, p_limit integer, p_before timestamptz)
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
