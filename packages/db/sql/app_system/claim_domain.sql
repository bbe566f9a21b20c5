-- Claims a hostname for a tenant with a fresh verification token. Other tenants' unverified
-- claims of the same hostname stay as they are, each with its own token: only proving control
-- of DNS decides, and the first to verify wins (mark_domain_verified). Outcomes:
--   claimed       the tenant now holds the hostname, unverified (its earlier unverified claim of
--                 another hostname, if any, is replaced);
--   unchanged     the tenant already holds this hostname: its token stays, so DNS already set up
--                 keeps working;
--   taken         another tenant has verified this hostname;
--   has_verified  the tenant has another, verified domain: it must be removed first.
CREATE OR REPLACE FUNCTION app_system.claim_domain(p_tenant_id uuid, p_hostname text, p_token text)
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
ALTER FUNCTION app_system.claim_domain(uuid,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.claim_domain(uuid,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.claim_domain(uuid,text,text) TO foyer_login;
