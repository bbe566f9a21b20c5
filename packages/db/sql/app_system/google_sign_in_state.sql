-- Whether a tenant offers "Sign in with Google" and lets strangers register with it, for the
-- sign-in page and the start of the flow (visitors cannot read app.security_settings). A tenant
-- that never saved its settings has both off.
CREATE OR REPLACE FUNCTION app_system.google_sign_in_state(p_tenant_id uuid)
RETURNS TABLE (sign_in boolean, registration boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT coalesce(s.google_sign_in, false), coalesce(s.google_sign_in AND s.google_registration, false)
  FROM (SELECT p_tenant_id AS id) t
  LEFT JOIN app.security_settings s ON s.tenant_id = t.id
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.google_sign_in_state(uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.google_sign_in_state(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.google_sign_in_state(uuid) TO foyer_login;
