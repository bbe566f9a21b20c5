-- Keeps platform.payment_routes in step with app.payment_gateways: a gateway's endpoint id and
-- (Connect) account id, to its tenant. Fired AFTER INSERT, UPDATE or DELETE on the gateways, so
-- the route exists exactly while the gateway does. A connected account already routed to another
-- tenant fails the unique index: one agency per account.
CREATE OR REPLACE FUNCTION app_system.payment_gateway_routes()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM platform.payment_routes WHERE endpoint_id = OLD.endpoint_id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.endpoint_id <> NEW.endpoint_id THEN
    DELETE FROM platform.payment_routes WHERE endpoint_id = OLD.endpoint_id;
  END IF;
  INSERT INTO platform.payment_routes AS r (endpoint_id, kind, account_ref, tenant_id, gateway_id)
  VALUES (NEW.endpoint_id, NEW.kind, NEW.account_ref, NEW.tenant_id, NEW.id)
  ON CONFLICT (endpoint_id) DO UPDATE
    SET kind = excluded.kind, account_ref = excluded.account_ref,
        tenant_id = excluded.tenant_id, gateway_id = excluded.gateway_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.payment_gateway_routes() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.payment_gateway_routes() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.payment_gateway_routes() TO foyer_login;
