-- A gateway notification -> the tenant and gateway it belongs to, before anything in it is
-- trusted: by the endpoint it arrived at (an agency's own credentials), or by the gateway kind and
-- the connected account its verified event names (Connect). Active tenants only.
CREATE OR REPLACE FUNCTION app_system.payment_route(p_endpoint uuid, p_kind text, p_account text)
RETURNS TABLE (tenant_id uuid, gateway_id uuid, kind text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT r.tenant_id, r.gateway_id, r.kind
  FROM platform.payment_routes r JOIN platform.tenants t ON t.id = r.tenant_id AND t.status = 'active'
  WHERE (p_endpoint IS NOT NULL AND r.endpoint_id = p_endpoint)
     OR (p_endpoint IS NULL AND r.kind = p_kind AND r.account_ref = p_account)
  LIMIT 1
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.payment_route(uuid, text, text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.payment_route(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.payment_route(uuid, text, text) TO foyer_login;
