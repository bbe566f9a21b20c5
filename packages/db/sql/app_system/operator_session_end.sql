-- Signing an operator out.
CREATE OR REPLACE FUNCTION app_system.operator_session_end(p_session_id text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  DELETE FROM platform.operator_sessions s WHERE s.id = p_session_id
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_session_end(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_session_end(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_session_end(text) TO foyer_login;
