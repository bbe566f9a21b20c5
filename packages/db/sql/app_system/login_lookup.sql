-- Sign-in: what the caller needs to hash a typed password the way the account's hash was made
-- (the PHC prefix `$argon2id$v=19$m=…,t=…,p=…$<salt>` and the hash's length), for an active
-- account with a password in one tenant; never the hash itself (sign_in compares it).
CREATE OR REPLACE FUNCTION app_system.login_lookup(p_tenant_id uuid, p_email text)
RETURNS TABLE (user_id uuid, password_params text, hash_length integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT u.id,
         substr(u.password_hash, 1, length(u.password_hash) - strpos(reverse(u.password_hash), '$')),
         strpos(reverse(u.password_hash), '$') - 1
  FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email)
    AND u.status = 'active' AND u.password_hash IS NOT NULL
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.login_lookup(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.login_lookup(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.login_lookup(uuid,text) TO foyer_login;
