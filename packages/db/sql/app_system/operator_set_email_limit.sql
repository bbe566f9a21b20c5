-- An operator raises (or lowers, or with 0 pauses) a tenant's daily email limit. A raise lets the
-- tenant's waiting email (held back by the limit until the next day) go at once. False when there
-- is no such tenant.
CREATE OR REPLACE FUNCTION app_system.operator_set_email_limit(p_session_id text, p_tenant_id uuid, p_limit integer)
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
ALTER FUNCTION app_system.operator_set_email_limit(text,uuid,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_set_email_limit(text,uuid,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_set_email_limit(text,uuid,integer) TO foyer_login;
