-- Counts one email against the tenant's daily limit (UTC days), or refuses when the limit is
-- reached. The conditional upsert locks the day's row, so concurrent workers never pass the
-- limit between them.
CREATE OR REPLACE FUNCTION app_system.email_quota_take(p_tenant_id uuid)
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
ALTER FUNCTION app_system.email_quota_take(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.email_quota_take(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.email_quota_take(uuid) TO foyer_login;
