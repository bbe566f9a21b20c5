-- A server node's heartbeat: the people (tenant, user pairs) holding a live stream on it now.
-- Their rows are refreshed, and the node's rows for anyone no longer connected go; every node
-- then knows who is reading somewhere (a message emails only people who are not).
CREATE OR REPLACE FUNCTION app_system.presence_beat(p_node text, p_tenants uuid[], p_users uuid[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF cardinality(p_tenants) IS DISTINCT FROM cardinality(p_users) THEN
    RAISE EXCEPTION 'presence_beat: tenants and users differ in length';
  END IF;
  DELETE FROM platform.presence p
  WHERE p.node_id = p_node
    AND (p.tenant_id, p.user_id) NOT IN (SELECT x.t, x.u FROM unnest(p_tenants, p_users) AS x(t, u));
  INSERT INTO platform.presence (tenant_id, user_id, node_id, seen_at)
  SELECT DISTINCT x.t, x.u, p_node, now() FROM unnest(p_tenants, p_users) AS x(t, u)
  ON CONFLICT (tenant_id, user_id, node_id) DO UPDATE SET seen_at = now();
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.presence_beat(text, uuid[], uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.presence_beat(text, uuid[], uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.presence_beat(text, uuid[], uuid[]) TO foyer_login;
