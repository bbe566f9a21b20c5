CREATE INDEX "outbox_tenant_user_idx" ON "app"."outbox" USING btree ("tenant_id","user_id","template","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "users_tenant_client_name_idx" ON "app"."users" USING btree ("tenant_id",lower("name"),"id") WHERE "app"."users"."role" = 'client';--> statement-breakpoint
-- A client invitation sets the password of the person the admin added, and says their company.
DROP FUNCTION app_system.accept_invitation(uuid, text, text, text);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_system.accept_invitation(
  p_tenant_id uuid, p_token_hash text, p_name text, p_password_hash text
)
RETURNS TABLE (user_id uuid, role text, client_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_email text;
  v_role text;
  v_person uuid;
  v_user uuid;
  v_client uuid;
BEGIN
  SELECT i.email, i.role, i.user_id INTO v_email, v_role, v_person
  FROM app.invitations i
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
    AND i.accepted_at IS NULL AND i.expires_at > now()
  FOR UPDATE;
  IF v_email IS NULL THEN
    RETURN;
  END IF;
  IF v_person IS NOT NULL THEN
    UPDATE app.users u
      SET password_hash = p_password_hash, name = coalesce(nullif(btrim(p_name), ''), u.name)
    WHERE u.tenant_id = p_tenant_id AND u.id = v_person AND u.role = 'client'
      AND u.password_hash IS NULL AND u.status = 'active'
    RETURNING u.id, u.client_id INTO v_user, v_client;
    -- Accepted some other way, deactivated or removed: the link does nothing.
    IF v_user IS NULL THEN
      RETURN;
    END IF;
  ELSE
    INSERT INTO app.users (tenant_id, email, name, role, password_hash)
      VALUES (p_tenant_id, v_email, p_name, v_role, p_password_hash)
      RETURNING id INTO v_user;
  END IF;
  UPDATE app.invitations i SET accepted_at = now()
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash;
  RETURN QUERY SELECT v_user, v_role, v_client;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.accept_invitation(uuid,text,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.accept_invitation(uuid,text,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.accept_invitation(uuid,text,text,text) TO foyer_login;
--> statement-breakpoint
-- The invitation link greets a client by the name the admin gave and knows a newer link for them.
DROP FUNCTION app_system.invitation_state(uuid, text);
--> statement-breakpoint
-- The state of the invitation behind a link: 'pending' (it can be accepted), 'accepted',
-- 'replaced' (a newer invitation went to the same address or person), or 'expired'. No row: no
-- such link (never sent, or revoked). A client invitation also names the person the admin added;
-- it counts as accepted once they have a password, and as expired while they are deactivated.
CREATE OR REPLACE FUNCTION app_system.invitation_state(p_tenant_id uuid, p_token_hash text)
RETURNS TABLE (email text, role text, expires_at timestamptz, state text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT i.email, i.role, i.expires_at,
    CASE
      WHEN i.accepted_at IS NOT NULL THEN 'accepted'
      WHEN u.password_hash IS NOT NULL THEN 'accepted'
      WHEN EXISTS (
        SELECT 1 FROM app.invitations n
        WHERE n.tenant_id = i.tenant_id AND n.created_at > i.created_at
          AND (lower(n.email) = lower(i.email) OR n.user_id = i.user_id)
      ) THEN 'replaced'
      WHEN i.expires_at <= now() OR u.status = 'deactivated' THEN 'expired'
      ELSE 'pending'
    END,
    u.name
  FROM app.invitations i
  LEFT JOIN app.users u ON u.tenant_id = i.tenant_id AND u.id = i.user_id
  WHERE i.tenant_id = p_tenant_id AND i.token_hash = p_token_hash
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.invitation_state(uuid,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.invitation_state(uuid,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.invitation_state(uuid,text) TO foyer_login;
