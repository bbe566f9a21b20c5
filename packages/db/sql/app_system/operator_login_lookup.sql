-- Sign-in lookups hand out only what is needed to hash a typed password the same way (the
-- PHC prefix `$argon2id$v=19$m=…,t=…,p=…$<salt>` and the hash's length), never the hash itself.
CREATE OR REPLACE FUNCTION app_system.operator_login_lookup(p_email text)
RETURNS TABLE (operator_id uuid, password_params text, hash_length integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT o.id,
         substr(o.password_hash, 1, length(o.password_hash) - strpos(reverse(o.password_hash), '$')),
         strpos(reverse(o.password_hash), '$') - 1
  FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_login_lookup(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_login_lookup(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_login_lookup(text) TO foyer_login;
