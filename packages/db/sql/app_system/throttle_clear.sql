-- Forgets a throttle key's hits.
CREATE OR REPLACE FUNCTION app_system.throttle_clear(p_key text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  DELETE FROM platform.throttle t WHERE t.key = p_key
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.throttle_clear(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.throttle_clear(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.throttle_clear(text) TO foyer_login;
