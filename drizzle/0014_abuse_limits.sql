CREATE TABLE "platform"."email_usage" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "email_usage_tenant_id_day_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "platform"."domains" DROP CONSTRAINT "domains_pkey";--> statement-breakpoint
ALTER TABLE "platform"."domains" ADD CONSTRAINT "domains_hostname_tenant_id_pk" PRIMARY KEY("hostname","tenant_id");--> statement-breakpoint
ALTER TABLE "platform"."tenants" ADD COLUMN "email_daily_limit" integer DEFAULT 200 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform"."email_usage" ADD CONSTRAINT "email_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "domains_verified_hostname_idx" ON "platform"."domains" USING btree ("hostname") WHERE "platform"."domains"."verified_at" is not null;--> statement-breakpoint
ALTER TABLE "platform"."tenants" ADD CONSTRAINT "tenants_email_daily_limit_range" CHECK ("platform"."tenants"."email_daily_limit" between 0 and 1000000);--> statement-breakpoint

-- Hand-written from here: grants and the app_system functions for per-tenant daily email
-- limits and for domain claims that coexist until one is verified.

GRANT SELECT, INSERT, UPDATE ON platform.email_usage TO foyer_system;
--> statement-breakpoint

-- Counts one email against the tenant's daily limit (UTC days), or refuses when the limit is
-- reached. The conditional upsert locks the day's row, so concurrent workers never pass the
-- limit between them.
CREATE FUNCTION app_system.email_quota_take(p_tenant_id uuid)
RETURNS TABLE (allowed boolean, sent integer, daily_limit integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_limit integer;
  v_sent integer;
  v_day date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
  SELECT t.email_daily_limit INTO v_limit FROM platform.tenants t WHERE t.id = p_tenant_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown tenant' USING ERRCODE = '22023';
  END IF;
  INSERT INTO platform.email_usage AS u (tenant_id, day, sent)
  SELECT p_tenant_id, v_day, 1 WHERE v_limit > 0
  ON CONFLICT (tenant_id, day) DO UPDATE SET sent = u.sent + 1 WHERE u.sent < v_limit
  RETURNING u.sent INTO v_sent;
  IF v_sent IS NOT NULL THEN
    RETURN QUERY SELECT true, v_sent, v_limit;
    RETURN;
  END IF;
  SELECT u.sent INTO v_sent FROM platform.email_usage u WHERE u.tenant_id = p_tenant_id AND u.day = v_day;
  RETURN QUERY SELECT false, coalesce(v_sent, 0), v_limit;
END
$$;
--> statement-breakpoint

-- The operator console's view of every tenant's limit and what it sent today (UTC).
CREATE FUNCTION app_system.operator_email_limits(p_session_id text)
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

-- An operator raises (or lowers, or with 0 pauses) a tenant's daily email limit. A raise lets the
-- tenant's waiting email (held back by the limit until the next day) go at once. False when there
-- is no such tenant.
CREATE FUNCTION app_system.operator_set_email_limit(p_session_id text, p_tenant_id uuid, p_limit integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_old integer;
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM platform.operator_sessions s WHERE s.id = p_session_id AND s.expires_at > now()
  ) THEN
    RAISE EXCEPTION 'operator session required' USING ERRCODE = '42501';
  END IF;
  IF p_limit IS NULL OR p_limit < 0 OR p_limit > 1000000 THEN
    RAISE EXCEPTION 'invalid email limit' USING ERRCODE = '22023';
  END IF;
  SELECT t.email_daily_limit INTO v_old FROM platform.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE platform.tenants t SET email_daily_limit = p_limit WHERE t.id = p_tenant_id;
  IF p_limit > v_old THEN
    UPDATE app.outbox o SET next_attempt_at = now(), updated_at = now()
    WHERE o.tenant_id = p_tenant_id AND o.status = 'queued' AND o.next_attempt_at > now();
  END IF;
  RETURN true;
END
$$;
--> statement-breakpoint

-- Claims a hostname for a tenant with a fresh verification token. Other tenants' unverified
-- claims of the same hostname stay as they are, each with its own token: only proving control
-- of DNS decides, and the first to verify wins (mark_domain_verified). Outcomes:
--   claimed       the tenant now holds the hostname, unverified (its earlier unverified claim of
--                 another hostname, if any, is replaced);
--   unchanged     the tenant already holds this hostname: its token stays, so DNS already set up
--                 keeps working;
--   taken         another tenant has verified this hostname;
--   has_verified  the tenant has another, verified domain: it must be removed first.
DROP FUNCTION app_system.claim_domain(uuid, text, text);
--> statement-breakpoint
CREATE FUNCTION app_system.claim_domain(p_tenant_id uuid, p_hostname text, p_token text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF p_hostname IS NULL OR p_hostname <> lower(p_hostname) OR length(p_token) < 16 THEN
    RAISE EXCEPTION 'invalid domain claim' USING ERRCODE = '22023';
  END IF;
  -- Serialises claims of one tenant, so two at once cannot leave it with two domains.
  PERFORM 1 FROM platform.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown tenant' USING ERRCODE = '22023';
  END IF;
  IF EXISTS (
    SELECT 1 FROM platform.domains d
    WHERE d.tenant_id = p_tenant_id AND d.verified_at IS NOT NULL AND d.hostname <> p_hostname
  ) THEN
    RETURN 'has_verified';
  END IF;
  IF EXISTS (SELECT 1 FROM platform.domains d WHERE d.hostname = p_hostname AND d.tenant_id = p_tenant_id) THEN
    RETURN 'unchanged';
  END IF;
  IF EXISTS (
    SELECT 1 FROM platform.domains d
    WHERE d.hostname = p_hostname AND d.tenant_id <> p_tenant_id AND d.verified_at IS NOT NULL
  ) THEN
    RETURN 'taken';
  END IF;
  DELETE FROM platform.domains d WHERE d.tenant_id = p_tenant_id AND d.verified_at IS NULL;
  INSERT INTO platform.domains (hostname, tenant_id, verification_token)
  VALUES (p_hostname, p_tenant_id, p_token);
  RETURN 'claimed';
END
$$;
--> statement-breakpoint

-- A DNS check found the token. Outcomes, with the tenants whose claims lapsed:
--   verified  the tenant owns the hostname now (or still); other tenants' unverified claims of it
--             lapse (are removed), and their ids are returned so their admins can be told;
--   taken     another tenant verified the hostname first (the unique index on verified
--             hostnames decides a race); this claim is left as it was;
--   gone      the tenant no longer holds a claim with this token (removed, replaced or lapsed).
DROP FUNCTION app_system.mark_domain_verified(uuid, text, text);
--> statement-breakpoint
CREATE FUNCTION app_system.mark_domain_verified(p_tenant_id uuid, p_hostname text, p_token text)
RETURNS TABLE (outcome text, lapsed uuid[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_lapsed uuid[];
BEGIN
  IF EXISTS (
    SELECT 1 FROM platform.domains d
    WHERE d.hostname = p_hostname AND d.tenant_id <> p_tenant_id AND d.verified_at IS NOT NULL
  ) THEN
    RETURN QUERY SELECT 'taken'::text, ARRAY[]::uuid[];
    RETURN;
  END IF;
  BEGIN
    UPDATE platform.domains d
       SET verified_at = coalesce(d.verified_at, now()), last_checked_at = now(), last_error = NULL
     WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname AND d.verification_token = p_token;
  EXCEPTION WHEN unique_violation THEN
    -- Another tenant's verification committed between the look above and this update.
    RETURN QUERY SELECT 'taken'::text, ARRAY[]::uuid[];
    RETURN;
  END;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'gone'::text, ARRAY[]::uuid[];
    RETURN;
  END IF;
  WITH gone AS (
    DELETE FROM platform.domains d
    WHERE d.hostname = p_hostname AND d.tenant_id <> p_tenant_id AND d.verified_at IS NULL
    RETURNING d.tenant_id
  )
  SELECT coalesce(array_agg(gone.tenant_id), ARRAY[]::uuid[]) INTO v_lapsed FROM gone;
  RETURN QUERY SELECT 'verified'::text, v_lapsed;
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
