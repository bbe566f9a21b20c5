-- A DNS check did not find the token: the domain is (no longer) verified, and why is kept for the
-- admin. Returns whether it was verified until now (the job tells the admins then), or NULL when
-- there is no such row.
CREATE OR REPLACE FUNCTION app_system.domain_check_failed(p_tenant_id uuid, p_hostname text, p_token text, p_error text)
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
ALTER FUNCTION app_system.domain_check_failed(uuid,text,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.domain_check_failed(uuid,text,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.domain_check_failed(uuid,text,text,text) TO foyer_login;
