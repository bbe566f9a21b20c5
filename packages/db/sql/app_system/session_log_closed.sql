-- Ends a session's history row when its session row is deleted (AFTER DELETE on app.sessions),
-- with why: what the deleting transaction said in `app.session_end` (a password change), else a
-- session past its expiry expired, the person's own deletion is a sign-out, an admin's ends it
-- for them, and a deletion with no one acting is the password reset (app_system.reset_password).
CREATE OR REPLACE FUNCTION app_system.session_log_closed()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_said text := nullif(current_setting('app.session_end', true), '');
  v_reason text;
BEGIN
  v_reason := CASE
    WHEN v_said IN ('signed_out', 'expired', 'ended_by_admin', 'password_change', 'password_reset') THEN v_said
    WHEN OLD.expires_at <= now() THEN 'expired'
    WHEN nullif(current_setting('app.user_id', true), '') = OLD.user_id::text THEN 'signed_out'
    WHEN current_setting('app.role', true) = 'admin' THEN 'ended_by_admin'
    WHEN coalesce(current_setting('app.role', true), '') = '' THEN 'password_reset'
    ELSE 'ended'
  END;
  UPDATE app.session_log l
     SET ended_at = greatest(least(now(), OLD.expires_at), OLD.last_seen_at), end_reason = v_reason,
         last_seen_at = OLD.last_seen_at
   WHERE l.tenant_id = OLD.tenant_id AND l.session_key = encode(sha256(convert_to(OLD.id, 'UTF8')), 'hex')
     AND l.ended_at IS NULL;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_log_closed() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_log_closed() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_log_closed() TO foyer_login;
