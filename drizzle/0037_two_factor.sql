CREATE TABLE "platform"."operator_pending_sign_ins" (
	"id" text PRIMARY KEY NOT NULL,
	"operator_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."operator_two_factor" (
	"operator_id" uuid PRIMARY KEY NOT NULL,
	"secret_sealed" text NOT NULL,
	"enabled_at" timestamp with time zone,
	"last_step" bigint DEFAULT 0 NOT NULL,
	"recovery_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"remember_epoch" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app"."pending_sign_ins" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"method" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pending_sign_ins_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "pending_sign_ins_method_known" CHECK ("app"."pending_sign_ins"."method" in ('password', 'google'))
);
--> statement-breakpoint
ALTER TABLE "app"."pending_sign_ins" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."two_factor" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"secret_sealed" text NOT NULL,
	"enabled_at" timestamp with time zone,
	"last_step" bigint DEFAULT 0 NOT NULL,
	"recovery_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"remember_epoch" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "two_factor_tenant_id_user_id_pk" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "two_factor_recovery_codes_count" CHECK (cardinality("app"."two_factor"."recovery_codes") <= 10)
);
--> statement-breakpoint
ALTER TABLE "app"."two_factor" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform"."operator_pending_sign_ins" ADD CONSTRAINT "operator_pending_sign_ins_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "platform"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."operator_two_factor" ADD CONSTRAINT "operator_two_factor_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "platform"."operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."pending_sign_ins" ADD CONSTRAINT "pending_sign_ins_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."two_factor" ADD CONSTRAINT "two_factor_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_pending_sign_ins_operator_idx" ON "platform"."operator_pending_sign_ins" USING btree ("operator_id");--> statement-breakpoint
CREATE INDEX "pending_sign_ins_tenant_user_idx" ON "app"."pending_sign_ins" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE POLICY "pending_sign_ins_own_select" ON "app"."pending_sign_ins" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."pending_sign_ins"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."pending_sign_ins"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "pending_sign_ins_own_insert" ON "app"."pending_sign_ins" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."pending_sign_ins"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."pending_sign_ins"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "pending_sign_ins_own_update" ON "app"."pending_sign_ins" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."pending_sign_ins"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and false) WITH CHECK ("app"."pending_sign_ins"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and false);--> statement-breakpoint
CREATE POLICY "pending_sign_ins_own_delete" ON "app"."pending_sign_ins" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."pending_sign_ins"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."pending_sign_ins"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "two_factor_own_select" ON "app"."two_factor" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."two_factor"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "two_factor_own_insert" ON "app"."two_factor" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."two_factor"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "two_factor_own_update" ON "app"."two_factor" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."two_factor"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."two_factor"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "two_factor_own_delete" ON "app"."two_factor" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."two_factor"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "two_factor_admin_select" ON "app"."two_factor" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."two_factor"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'admin');
--> statement-breakpoint
ALTER TABLE app.two_factor FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.pending_sign_ins FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON app.two_factor TO foyer_client;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON app.pending_sign_ins TO foyer_client;
--> statement-breakpoint
-- A pending sign-in is made and used up, never changed.
REVOKE UPDATE ON app.pending_sign_ins FROM foyer_team;
--> statement-breakpoint
GRANT SELECT, UPDATE ON app.two_factor TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON app.pending_sign_ins TO foyer_system;
--> statement-breakpoint
DROP FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text);
--> statement-breakpoint
-- Tenant sign-in, like the operator's: the database compares the computed PHC string with the
-- stored hash, and only on a match opens either a session or, for a person with two-factor on
-- whose browser is not remembered, a pending sign-in (`p_pending_id`, ten minutes) that awaits
-- the second factor. `p_remember_epoch` is the epoch signed into this browser's "remember this
-- browser" cookie for this person (checked and dated by the caller), or null; it counts only while
-- it equals the person's current epoch. `second_factor` says what happened: null (no two-factor,
-- a session), 'remembered' (a session), 'pending' (no session). The last-seen time is written
-- only with a session.
CREATE OR REPLACE FUNCTION app_system.sign_in(
  p_tenant_id uuid, p_email text, p_password_phc text, p_session_id text, p_expires timestamptz,
  p_ip text, p_user_agent text, p_pending_id text, p_pending_expires timestamptz, p_remember_epoch integer
)
RETURNS TABLE (user_id uuid, role text, client_id uuid, name text, email text, second_factor text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_user app.users%ROWTYPE;
  v_epoch integer;
  v_outcome text;
BEGIN
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(p_email) AND u.status = 'active'
    AND u.password_hash IS NOT NULL
    AND sha256(convert_to(u.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  SELECT tf.remember_epoch INTO v_epoch FROM app.two_factor tf
  WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL;
  IF FOUND THEN
    IF p_remember_epoch IS NOT NULL AND p_remember_epoch = v_epoch THEN
      v_outcome := 'remembered';
    ELSE
      INSERT INTO app.pending_sign_ins (tenant_id, id, user_id, method, expires_at)
      VALUES (p_tenant_id, p_pending_id, v_user.id, 'password', p_pending_expires);
      RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, 'pending'::text;
      RETURN;
    END IF;
  END IF;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, v_outcome;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) TO foyer_login;
--> statement-breakpoint
-- What checking a second factor needs, for a live pending sign-in of this tenant only: the person,
-- their address and their sealed TOTP secret (useless without FOYER_SECRET_KEY). The pending
-- sign-in is left as it is: only `complete_two_factor` uses it up. `p_now` is the caller's clock;
-- the later of it and the database's decides expiry, so a caller can only shorten a lifetime.
CREATE OR REPLACE FUNCTION app_system.two_factor_pending(p_tenant_id uuid, p_pending_id text, p_now timestamptz)
RETURNS TABLE (user_id uuid, email text, secret_sealed text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.email, tf.secret_sealed
  FROM app.pending_sign_ins p
  JOIN app.users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id AND u.status = 'active'
  JOIN app.two_factor tf ON tf.tenant_id = p.tenant_id AND tf.user_id = p.user_id AND tf.enabled_at IS NOT NULL
  WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id AND p.expires_at > greatest(now(), p_now);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.two_factor_pending(uuid,text,timestamp with time zone) TO foyer_login;
--> statement-breakpoint
-- The second step of a sign-in: uses up the live pending sign-in `p_pending_id` of this tenant
-- and opens the session, in one statement, only when the second factor is accepted here:
-- either the TOTP step `p_step` the caller matched is later than the last one used (so a code
-- works once: two uses of one code cannot both pass, the row is locked), or the recovery code
-- hashed as `p_recovery_hash` is still unused (it is removed in the same UPDATE). Nothing
-- changes otherwise. Returns the person, the first factor's method, the remember epoch (for a
-- "remember this browser" cookie) and how many recovery codes are left.
CREATE OR REPLACE FUNCTION app_system.complete_two_factor(
  p_tenant_id uuid, p_pending_id text, p_now timestamptz, p_step bigint, p_recovery_hash text,
  p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS TABLE (
  user_id uuid, role text, client_id uuid, name text, email text, method text,
  remember_epoch integer, recovery_left integer
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_pending app.pending_sign_ins%ROWTYPE;
  v_user app.users%ROWTYPE;
  v_epoch integer;
  v_left integer;
BEGIN
  IF (p_step IS NULL) = (p_recovery_hash IS NULL) THEN
    RETURN;
  END IF;
  SELECT p.* INTO v_pending FROM app.pending_sign_ins p
  WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id AND p.expires_at > greatest(now(), p_now)
  FOR UPDATE;
  IF v_pending.id IS NULL THEN
    RETURN;
  END IF;
  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND u.id = v_pending.user_id AND u.status = 'active';
  IF v_user.id IS NULL THEN
    RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE app.two_factor tf SET last_step = p_step
    WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL
      AND tf.last_step < p_step
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  ELSE
    UPDATE app.two_factor tf SET recovery_codes = array_remove(tf.recovery_codes, p_recovery_hash)
    WHERE tf.tenant_id = p_tenant_id AND tf.user_id = v_user.id AND tf.enabled_at IS NOT NULL
      AND p_recovery_hash = ANY (tf.recovery_codes)
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  END IF;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM app.pending_sign_ins p WHERE p.tenant_id = p_tenant_id AND p.id = p_pending_id;
  INSERT INTO app.sessions (tenant_id, id, user_id, expires_at, ip, user_agent)
  VALUES (p_tenant_id, p_session_id, v_user.id, p_expires, p_ip, p_user_agent);
  UPDATE app.users u SET last_seen_at = now() WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
  RETURN QUERY SELECT v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email, v_pending.method,
    v_epoch, v_left;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) TO foyer_login;
--> statement-breakpoint
-- A new password (changed on the account page or reset from a link) ends every browser remembered
-- for two-factor and every sign-in waiting for its second factor. Fired AFTER UPDATE OF
-- password_hash on app.users.
CREATE OR REPLACE FUNCTION app_system.password_change_forgets_browsers()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
    UPDATE app.two_factor tf SET remember_epoch = tf.remember_epoch + 1
    WHERE tf.tenant_id = NEW.tenant_id AND tf.user_id = NEW.id;
    DELETE FROM app.pending_sign_ins p WHERE p.tenant_id = NEW.tenant_id AND p.user_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.password_change_forgets_browsers() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.password_change_forgets_browsers() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.password_change_forgets_browsers() TO foyer_login;
--> statement-breakpoint
CREATE TRIGGER users_password_change_forgets_browsers
  AFTER UPDATE OF password_hash ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_system.password_change_forgets_browsers();
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.operator_two_factor, platform.operator_pending_sign_ins TO foyer_system;
--> statement-breakpoint
DROP FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text);
--> statement-breakpoint
-- Operator sign-in: the session exists only if the PHC string the caller computed from the typed
-- password equals the stored one. Digests are compared, so the time taken says nothing about
-- how much of a forged string matched. An operator with two-factor on whose browser is not
-- remembered (`p_remember_epoch`, from the browser's signed cookie, equal to the current epoch)
-- gets the pending sign-in `p_pending_id` instead of the session: `second_factor` is 'pending';
-- 'remembered' or null with a session.
CREATE OR REPLACE FUNCTION app_system.operator_sign_in(
  p_email text, p_password_phc text, p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text,
  p_pending_id text, p_pending_expires timestamptz, p_remember_epoch integer
)
RETURNS TABLE (operator_id uuid, second_factor text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_epoch integer;
  v_outcome text;
BEGIN
  SELECT o.id INTO v_operator FROM platform.operators o
  WHERE lower(o.email) = lower(p_email) AND o.disabled_at IS NULL
    AND sha256(convert_to(o.password_hash, 'UTF8')) = sha256(convert_to(coalesce(p_password_phc, ''), 'UTF8'));
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  SELECT tf.remember_epoch INTO v_epoch FROM platform.operator_two_factor tf
  WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL;
  IF FOUND THEN
    IF p_remember_epoch IS NOT NULL AND p_remember_epoch = v_epoch THEN
      v_outcome := 'remembered';
    ELSE
      INSERT INTO platform.operator_pending_sign_ins (id, operator_id, expires_at)
      VALUES (p_pending_id, v_operator, p_pending_expires);
      RETURN QUERY SELECT v_operator, 'pending'::text;
      RETURN;
    END IF;
  END IF;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN QUERY SELECT v_operator, v_outcome;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer) TO foyer_login;
--> statement-breakpoint
-- What checking an operator's second factor needs, for a live pending sign-in: the operator,
-- their address and their sealed TOTP secret. Uses nothing up (`operator_complete_two_factor`
-- does); the later of `p_now` and the database's clock decides expiry.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_pending(p_pending_id text, p_now timestamptz)
RETURNS TABLE (operator_id uuid, email text, secret_sealed text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT o.id, o.email, tf.secret_sealed
  FROM platform.operator_pending_sign_ins p
  JOIN platform.operators o ON o.id = p.operator_id AND o.disabled_at IS NULL
  JOIN platform.operator_two_factor tf ON tf.operator_id = p.operator_id AND tf.enabled_at IS NOT NULL
  WHERE p.id = p_pending_id AND p.expires_at > greatest(now(), p_now);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_pending(text,timestamp with time zone) TO foyer_login;
--> statement-breakpoint
-- An operator's second step, as `complete_two_factor` is a tenant person's: uses up the live
-- pending sign-in and opens the session in one statement, only when the TOTP step is later than
-- the last one used, or the recovery code is unused (and removed). Nothing changes otherwise.
CREATE OR REPLACE FUNCTION app_system.operator_complete_two_factor(
  p_pending_id text, p_now timestamptz, p_step bigint, p_recovery_hash text,
  p_session_id text, p_expires timestamptz, p_ip text, p_user_agent text
)
RETURNS TABLE (operator_id uuid, remember_epoch integer, recovery_left integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_epoch integer;
  v_left integer;
BEGIN
  IF (p_step IS NULL) = (p_recovery_hash IS NULL) THEN
    RETURN;
  END IF;
  SELECT p.operator_id INTO v_operator FROM platform.operator_pending_sign_ins p
  JOIN platform.operators o ON o.id = p.operator_id AND o.disabled_at IS NULL
  WHERE p.id = p_pending_id AND p.expires_at > greatest(now(), p_now)
  FOR UPDATE OF p;
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE platform.operator_two_factor tf SET last_step = p_step
    WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL AND tf.last_step < p_step
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  ELSE
    UPDATE platform.operator_two_factor tf SET recovery_codes = array_remove(tf.recovery_codes, p_recovery_hash)
    WHERE tf.operator_id = v_operator AND tf.enabled_at IS NOT NULL AND p_recovery_hash = ANY (tf.recovery_codes)
    RETURNING tf.remember_epoch, cardinality(tf.recovery_codes) INTO v_epoch, v_left;
  END IF;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM platform.operator_pending_sign_ins p WHERE p.id = p_pending_id;
  INSERT INTO platform.operator_sessions (id, operator_id, expires_at, ip, user_agent)
  VALUES (p_session_id, v_operator, p_expires, p_ip, p_user_agent);
  UPDATE platform.operators o SET last_sign_in_at = now() WHERE o.id = v_operator;
  RETURN QUERY SELECT v_operator, v_epoch, v_left;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_complete_two_factor(text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text) TO foyer_login;
--> statement-breakpoint
-- The signed-in operator's two-factor (by their session, checked here): whether it is on, the
-- sealed secret of an unfinished or finished set-up, the last step used and the recovery codes left.
-- No row without a live session or without two-factor started.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_state(p_session_id text)
RETURNS TABLE (operator_id uuid, email text, enabled_at timestamptz, secret_sealed text, last_step bigint, recovery_left integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  SELECT o.id, o.email, tf.enabled_at, tf.secret_sealed, tf.last_step, cardinality(tf.recovery_codes)
  FROM platform.operators o LEFT JOIN platform.operator_two_factor tf ON tf.operator_id = o.id
  WHERE o.id = v_operator;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_state(text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_state(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_state(text) TO foyer_login;
--> statement-breakpoint
-- Starts the signed-in operator's two-factor set-up with `p_secret_sealed`, unless one is under
-- way (its secret is kept, so a reload shows the same QR code) or it is on already. Returns the
-- sealed secret of the set-up, or null (no live session, or two-factor on).
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_begin(p_session_id text, p_secret_sealed text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
  v_row platform.operator_two_factor%ROWTYPE;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO platform.operator_two_factor (operator_id, secret_sealed) VALUES (v_operator, p_secret_sealed)
  ON CONFLICT (operator_id) DO NOTHING;
  SELECT tf.* INTO v_row FROM platform.operator_two_factor tf WHERE tf.operator_id = v_operator;
  IF v_row.enabled_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  RETURN v_row.secret_sealed;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_begin(text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_begin(text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_begin(text,text) TO foyer_login;
--> statement-breakpoint
-- Turns the signed-in operator's two-factor on with the TOTP step the caller matched from the
-- set-up's secret (later than any used), storing the hashed recovery codes and ending remembered
-- browsers of an earlier set-up. False when nothing was set up, it is on already, or the step is old.
CREATE OR REPLACE FUNCTION app_system.operator_two_factor_confirm(p_session_id text, p_step bigint, p_recovery_hashes text[])
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_operator uuid;
BEGIN
  SELECT s.operator_id INTO v_operator FROM platform.operator_sessions s
  JOIN platform.operators o ON o.id = s.operator_id
  WHERE s.id = p_session_id AND s.expires_at > now() AND o.disabled_at IS NULL;
  IF v_operator IS NULL THEN
    RETURN false;
  END IF;
  UPDATE platform.operator_two_factor tf
  SET enabled_at = now(), last_step = p_step, recovery_codes = p_recovery_hashes, remember_epoch = tf.remember_epoch + 1
  WHERE tf.operator_id = v_operator AND tf.enabled_at IS NULL AND tf.last_step < p_step;
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.operator_two_factor_confirm(text,bigint,text[]) TO foyer_login;

--> statement-breakpoint
-- A new password for an operator (re-running `foyer operators create`) ends every browser
-- remembered for their two-factor and every sign-in waiting for its second factor, as
-- `operators_end_sessions` ends their sessions.
CREATE OR REPLACE FUNCTION platform.operator_password_forgets_browsers()
RETURNS trigger
LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  UPDATE platform.operator_two_factor tf SET remember_epoch = tf.remember_epoch + 1 WHERE tf.operator_id = NEW.id;
  DELETE FROM platform.operator_pending_sign_ins p WHERE p.operator_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION platform.operator_password_forgets_browsers() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER operators_password_forgets_browsers
AFTER UPDATE OF password_hash ON platform.operators
FOR EACH ROW
WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash)
EXECUTE FUNCTION platform.operator_password_forgets_browsers();
