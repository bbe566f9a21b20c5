CREATE TABLE "app"."session_log" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_key" text NOT NULL,
	"user_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "session_log_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "session_log_end_reason" CHECK ("app"."session_log"."end_reason" is null or "app"."session_log"."end_reason" in ('signed_out', 'expired', 'ended_by_admin', 'password_change', 'password_reset', 'ended'))
);
--> statement-breakpoint
ALTER TABLE "app"."session_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."session_log" ADD CONSTRAINT "session_log_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_log_tenant_key_idx" ON "app"."session_log" USING btree ("tenant_id","session_key");--> statement-breakpoint
CREATE INDEX "session_log_tenant_user_started_idx" ON "app"."session_log" USING btree ("tenant_id","user_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "session_log_admin_select" ON "app"."session_log" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."session_log"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');
--> statement-breakpoint
-- Hand-written: the session history binds its owner too; only admins read it (no write grant:
-- the triggers on app.sessions keep it, as foyer_system).
ALTER TABLE app.session_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON app.session_log FROM foyer_team;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (last_seen_at, expires_at, ended_at, end_reason, ip, user_agent) ON app.session_log TO foyer_system;
--> statement-breakpoint
-- The retention job clears IP addresses and browsers of old entries, nothing else.
GRANT SELECT (tenant_id, at, ip, user_agent), UPDATE (ip, user_agent) ON app.activity TO foyer_system;
--> statement-breakpoint
-- Starts a session's history row when a session opens (AFTER INSERT on app.sessions), so admins
-- keep its start, IP and browser after the session row is gone. The key is the SHA-256 of the
-- session id, never the id itself.
CREATE OR REPLACE FUNCTION app_system.session_log_opened()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.session_log (tenant_id, session_key, user_id, started_at, last_seen_at, expires_at, ip, user_agent)
  VALUES (NEW.tenant_id, encode(sha256(convert_to(NEW.id, 'UTF8')), 'hex'), NEW.user_id, NEW.created_at,
          NEW.last_seen_at, NEW.expires_at, NEW.ip, left(NEW.user_agent, 512))
  ON CONFLICT (tenant_id, session_key) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_log_opened() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_log_opened() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_log_opened() TO foyer_login;

--> statement-breakpoint
-- Follows a session's last activity and sliding expiry into its history row (AFTER UPDATE OF
-- last_seen_at on app.sessions, which the session lookup touches every few minutes). A session
-- opened before the history existed gets its row here, on its first touch.
CREATE OR REPLACE FUNCTION app_system.session_log_seen()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.session_log AS l (tenant_id, session_key, user_id, started_at, last_seen_at, expires_at, ip, user_agent)
  VALUES (NEW.tenant_id, encode(sha256(convert_to(NEW.id, 'UTF8')), 'hex'), NEW.user_id, NEW.created_at,
          NEW.last_seen_at, NEW.expires_at, NEW.ip, left(NEW.user_agent, 512))
  ON CONFLICT (tenant_id, session_key)
    DO UPDATE SET last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.session_log_seen() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.session_log_seen() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.session_log_seen() TO foyer_login;

--> statement-breakpoint
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

--> statement-breakpoint
-- Removes IP addresses and browsers from activity entries and session history older than each
-- tenant's `activity_retention_days` (365 without a settings row); the entries themselves stay.
-- Runs across tenants for the scheduled job; returns how many rows were cleared.
CREATE OR REPLACE FUNCTION app_system.activity_retention_purge()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_activity integer;
  v_sessions integer;
BEGIN
  UPDATE app.activity a
     SET ip = NULL, user_agent = NULL
   WHERE (a.ip IS NOT NULL OR a.user_agent IS NOT NULL)
     AND a.at < now() - make_interval(days => coalesce(
           (SELECT s.activity_retention_days FROM app.security_settings s WHERE s.tenant_id = a.tenant_id), 365));
  GET DIAGNOSTICS v_activity = ROW_COUNT;
  UPDATE app.session_log l
     SET ip = NULL, user_agent = NULL
   WHERE (l.ip IS NOT NULL OR l.user_agent IS NOT NULL)
     AND coalesce(l.ended_at, l.last_seen_at) < now() - make_interval(days => coalesce(
           (SELECT s.activity_retention_days FROM app.security_settings s WHERE s.tenant_id = l.tenant_id), 365));
  GET DIAGNOSTICS v_sessions = ROW_COUNT;
  RETURN v_activity + v_sessions;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.activity_retention_purge() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.activity_retention_purge() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.activity_retention_purge() TO foyer_login;

--> statement-breakpoint
CREATE TRIGGER sessions_log_opened AFTER INSERT ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_system.session_log_opened();
--> statement-breakpoint
CREATE TRIGGER sessions_log_seen AFTER UPDATE OF last_seen_at ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_system.session_log_seen();
--> statement-breakpoint
CREATE TRIGGER sessions_log_closed AFTER DELETE ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app_system.session_log_closed();
