-- "Forgot your password?": stores a reset token for an active account and queues its email with
-- the token, in one statement; returns whom it mailed, nothing for an unknown address (the
-- caller answers the same either way).
CREATE OR REPLACE FUNCTION app_system.request_password_reset(
  p_tenant_id uuid, p_email text, p_token_hash text, p_expires timestamptz, p_vars jsonb
)
RETURNS TABLE (user_id uuid, name text, email text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  WITH account AS (
    SELECT u.tenant_id, u.id, u.name, u.email FROM app.users u
    WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
  ), issued AS (
    INSERT INTO app.user_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
    SELECT a.tenant_id, a.id, 'password_reset', p_token_hash, p_expires FROM account a
    RETURNING user_tokens.user_id
  ), queued AS (
    INSERT INTO app.outbox (tenant_id, template, user_id, vars)
    SELECT a.tenant_id, 'password-reset', a.id, coalesce(p_vars, '{}'::jsonb) FROM account a
    RETURNING outbox.user_id
  )
  SELECT a.id, a.name, a.email FROM account a JOIN issued i ON i.user_id = a.id JOIN queued q ON q.user_id = a.id
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.request_password_reset(uuid,text,text,timestamp with time zone,jsonb) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.request_password_reset(uuid,text,text,timestamp with time zone,jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.request_password_reset(uuid,text,text,timestamp with time zone,jsonb) TO foyer_login;
