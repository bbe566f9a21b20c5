-- Hand-written: the app_system functions for custom domains. Runtime roles cannot read
-- platform.domains, so listing, claiming, checking and removing a tenant's domain, the periodic
-- re-verification and the edge proxy's TLS "ask" all go through these. The tenant id comes from
-- the caller's checked actor (an admin of that tenant) or, for the job, from the due list.

GRANT SELECT, INSERT, UPDATE, DELETE ON platform.domains TO foyer_system;
--> statement-breakpoint

-- A tenant's custom domain(s), newest first. One per tenant in practice (claim_domain keeps it so).
CREATE FUNCTION app_system.tenant_domains(p_tenant_id uuid)
RETURNS TABLE (
  hostname text, verification_token text, verified_at timestamptz, created_at timestamptz,
  last_checked_at timestamptz, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT d.hostname, d.verification_token, d.verified_at, d.created_at, d.last_checked_at, d.last_error
  FROM platform.domains d
  WHERE d.tenant_id = p_tenant_id
  ORDER BY d.created_at DESC, d.hostname
$$;
--> statement-breakpoint

-- Claims a hostname for a tenant with a fresh verification token. Outcomes:
--   claimed       the tenant now holds the hostname, unverified (its earlier unverified claim, if
--                 any, is replaced; another tenant's unverified claim is taken over, since only
--                 the TXT token proves ownership);
--   unchanged     the tenant already holds this hostname: its token stays, so DNS already set up
--                 keeps working;
--   taken         another tenant has verified this hostname;
--   has_verified  the tenant has another, verified domain: it must be removed first.
CREATE FUNCTION app_system.claim_domain(p_tenant_id uuid, p_hostname text, p_token text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_owner uuid;
  v_verified timestamptz;
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
  SELECT d.tenant_id, d.verified_at INTO v_owner, v_verified
  FROM platform.domains d WHERE d.hostname = p_hostname FOR UPDATE;
  IF FOUND THEN
    IF v_owner = p_tenant_id THEN
      RETURN 'unchanged';
    END IF;
    IF v_verified IS NOT NULL THEN
      RETURN 'taken';
    END IF;
    DELETE FROM platform.domains d WHERE d.hostname = p_hostname AND d.verified_at IS NULL;
  END IF;
  DELETE FROM platform.domains d WHERE d.tenant_id = p_tenant_id AND d.verified_at IS NULL;
  INSERT INTO platform.domains (hostname, tenant_id, verification_token)
  VALUES (p_hostname, p_tenant_id, p_token)
  ON CONFLICT (hostname) DO NOTHING;
  IF NOT FOUND THEN
    -- Another tenant inserted it between our look and our insert.
    RETURN 'taken';
  END IF;
  RETURN 'claimed';
END
$$;
--> statement-breakpoint

-- A DNS check found the token: the domain is (still) verified. Only for the token that was
-- checked, so a check that raced a takeover or a removal changes nothing. False when no such row.
CREATE FUNCTION app_system.mark_domain_verified(p_tenant_id uuid, p_hostname text, p_token text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  UPDATE platform.domains d
     SET verified_at = coalesce(d.verified_at, now()), last_checked_at = now(), last_error = NULL
   WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname AND d.verification_token = p_token;
  RETURN FOUND;
END
$$;
--> statement-breakpoint

-- A DNS check did not find the token: the domain is (no longer) verified, and why is kept for the
-- admin. Returns whether it was verified until now (the job tells the admins then), or NULL when
-- there is no such row.
CREATE FUNCTION app_system.domain_check_failed(p_tenant_id uuid, p_hostname text, p_token text, p_error text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_verified timestamptz;
BEGIN
  SELECT d.verified_at INTO v_verified FROM platform.domains d
  WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname AND d.verification_token = p_token
  FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  UPDATE platform.domains d
     SET verified_at = NULL, last_checked_at = now(), last_error = left(coalesce(p_error, 'Check failed'), 500)
   WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname;
  RETURN v_verified IS NOT NULL;
END
$$;
--> statement-breakpoint

CREATE FUNCTION app_system.remove_domain(p_tenant_id uuid, p_hostname text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  DELETE FROM platform.domains d WHERE d.tenant_id = p_tenant_id AND d.hostname = p_hostname;
  RETURN FOUND;
END
$$;
--> statement-breakpoint

-- Verified domains of active tenants last checked before p_checked_before, least recently
-- checked first, across tenants (the re-verification job). p_tenant_ids, when given, narrows the
-- list to those tenants (tests sharing one database).
CREATE FUNCTION app_system.domains_due_for_check(p_checked_before timestamptz, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, hostname text, verification_token text, verified_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT d.tenant_id, t.slug, d.hostname, d.verification_token, d.verified_at
  FROM platform.domains d
  JOIN platform.tenants t ON t.id = d.tenant_id
  WHERE d.verified_at IS NOT NULL AND t.status = 'active'
    AND coalesce(d.last_checked_at, d.verified_at) < p_checked_before
    AND (p_tenant_ids IS NULL OR d.tenant_id = ANY (p_tenant_ids))
  ORDER BY coalesce(d.last_checked_at, d.verified_at), d.hostname
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint

-- The edge proxy's on-demand TLS "ask": a certificate only for a verified domain of an active tenant.
CREATE FUNCTION app_system.tls_allowed(p_hostname text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM platform.domains d JOIN platform.tenants t ON t.id = d.tenant_id
    WHERE d.hostname = lower(p_hostname) AND d.verified_at IS NOT NULL AND t.status = 'active'
  )
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
