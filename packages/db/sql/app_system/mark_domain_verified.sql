-- A DNS check found the token. Outcomes, with the tenants whose claims lapsed:
--   verified  the tenant owns the hostname now (or still); other tenants' unverified claims of it
--             lapse (are removed), and their ids are returned so their admins can be told;
--   taken     another tenant verified the hostname first (the unique index on verified
--             hostnames decides a race); this claim is left as it was;
--   gone      the tenant no longer holds a claim with this token (removed, replaced or lapsed).
CREATE OR REPLACE FUNCTION app_system.mark_domain_verified(p_tenant_id uuid, p_hostname text, p_token text)
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
ALTER FUNCTION app_system.mark_domain_verified(uuid,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.mark_domain_verified(uuid,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.mark_domain_verified(uuid,text,text) TO foyer_login;
