-- The end of "Sign in with Google", on the tenant's own host. The hand-off is spent by its first
-- presentation, whatever follows; it counts only for this tenant, in the browser that began
-- (its binding cookie's hash), before it lapses, while the tenant still offers Google sign-in.
-- Then the person: the one linked to the Google account; else the one with the verified address,
-- who is linked now (unless linked to another Google account); else, when the tenant lets
-- strangers register, a new client in a company of their own, with no permissions and no
-- projects, and the active admins are told (bell, and email by their preferences). Deactivated
-- people are refused. Opens no session: the caller does that as the person.
-- outcome: person | linked | registered | invalid | disabled | deactivated | unknown | other_google
CREATE OR REPLACE FUNCTION app_system.google_finish(p_tenant_id uuid, p_token_hash text, p_binding_hash text)
RETURNS TABLE (
  outcome text, person_id uuid, person_role text, person_client_id uuid, person_name text, person_email text
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_handoff platform.google_handoffs%ROWTYPE;
  v_user app.users%ROWTYPE;
  v_on boolean;
  v_register boolean;
  v_company uuid;
  v_company_name text;
  v_name text;
BEGIN
  UPDATE platform.google_handoffs h SET used_at = now()
  WHERE h.token_hash = p_token_hash AND h.used_at IS NULL
  RETURNING h.* INTO v_handoff;
  IF v_handoff.token_hash IS NULL OR v_handoff.tenant_id <> p_tenant_id
     OR v_handoff.binding_hash <> p_binding_hash OR v_handoff.expires_at <= now() THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT coalesce(s.google_sign_in, false), coalesce(s.google_registration, false) INTO v_on, v_register
  FROM (SELECT p_tenant_id AS id) t LEFT JOIN app.security_settings s ON s.tenant_id = t.id;
  IF NOT v_on THEN
    RETURN QUERY SELECT 'disabled'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
    RETURN;
  END IF;

  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND u.google_sub = v_handoff.google_sub;
  IF v_user.id IS NOT NULL THEN
    IF v_user.status <> 'active' THEN
      RETURN QUERY SELECT 'deactivated'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
      RETURN;
    END IF;
    RETURN QUERY SELECT 'person'::text, v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email;
    RETURN;
  END IF;

  SELECT u.* INTO v_user FROM app.users u
  WHERE u.tenant_id = p_tenant_id AND lower(u.email) = lower(v_handoff.email)
  FOR UPDATE;
  IF v_user.id IS NOT NULL THEN
    IF v_user.status <> 'active' THEN
      RETURN QUERY SELECT 'deactivated'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
      RETURN;
    END IF;
    IF v_user.google_sub IS NOT NULL THEN
      RETURN QUERY SELECT 'other_google'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
      RETURN;
    END IF;
    UPDATE app.users u SET google_sub = v_handoff.google_sub,
      email_verified_at = coalesce(u.email_verified_at, now())
    WHERE u.tenant_id = p_tenant_id AND u.id = v_user.id;
    RETURN QUERY SELECT 'linked'::text, v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email;
    RETURN;
  END IF;

  IF NOT v_register THEN
    RETURN QUERY SELECT 'unknown'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
    RETURN;
  END IF;

  -- A company of their own: a name already taken gets a number, so strangers never share one.
  v_name := left(coalesce(nullif(btrim(v_handoff.name), ''), split_part(v_handoff.email, '@', 1)), 200);
  FOR n IN 1..100 LOOP
    v_company_name := CASE WHEN n = 1 THEN v_name ELSE v_name || ' (' || n || ')' END;
    INSERT INTO app.clients (tenant_id, name) VALUES (p_tenant_id, v_company_name)
    ON CONFLICT DO NOTHING
    RETURNING id INTO v_company;
    EXIT WHEN v_company IS NOT NULL;
  END LOOP;
  IF v_company IS NULL THEN
    RETURN QUERY SELECT 'unknown'::text, NULL::uuid, NULL::text, NULL::uuid, NULL::text, v_handoff.email;
    RETURN;
  END IF;
  INSERT INTO app.users (tenant_id, email, name, role, client_id, permissions, google_sub, email_verified_at)
  VALUES (p_tenant_id, v_handoff.email, v_name, 'client', v_company, '{}'::text[], v_handoff.google_sub, now())
  RETURNING * INTO v_user;

  INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
  SELECT p_tenant_id, a.id, 'google-joined',
    left(v_name || ' joined with Google', 300),
    left(v_handoff.email || ' is a client now, with no projects and no permissions until you give them some.', 1000),
    '/admin/clients/' || v_user.id
  FROM app.users a WHERE a.tenant_id = p_tenant_id AND a.role = 'admin' AND a.status = 'active';
  INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
  SELECT p_tenant_id, 'google-joined', a.id, 'google-joined',
    jsonb_build_object('personName', v_name, 'personEmail', v_handoff.email, 'companyName', v_company_name,
      'clientUrl', '/admin/clients/' || v_user.id)
  FROM app.users a WHERE a.tenant_id = p_tenant_id AND a.role = 'admin' AND a.status = 'active';

  RETURN QUERY SELECT 'registered'::text, v_user.id, v_user.role, v_user.client_id, v_user.name, v_user.email;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.google_finish(uuid,text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.google_finish(uuid,text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.google_finish(uuid,text,text) TO foyer_login;
