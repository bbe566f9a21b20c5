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
