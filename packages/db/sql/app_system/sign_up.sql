-- Sign-up: the tenant, its default branding, its first admin, the one-time hand-off token that
-- signs the admin in on the new host, and the email-verification token with its email queued.
-- A taken slug or email raises unique_violation.
CREATE OR REPLACE FUNCTION app_system.sign_up(
  p_slug text, p_name text, p_admin_name text, p_email text, p_password_hash text,
  p_handoff_hash text, p_handoff_expires timestamptz,
  p_verify_hash text, p_verify_expires timestamptz, p_verify_vars jsonb
)
RETURNS TABLE (tenant_id uuid, user_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_tenant uuid;
  v_user uuid;
BEGIN
  INSERT INTO platform.tenants (slug, name) VALUES (p_slug, p_name) RETURNING id INTO v_tenant;
  INSERT INTO app.branding (tenant_id, display_name) VALUES (v_tenant, p_name);
  INSERT INTO app.users (tenant_id, email, name, role, password_hash)
    VALUES (v_tenant, p_email, p_admin_name, 'admin', p_password_hash)
    RETURNING id INTO v_user;
  INSERT INTO app.user_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
    VALUES (v_tenant, v_user, 'handoff', p_handoff_hash, p_handoff_expires),
           (v_tenant, v_user, 'email_verify', p_verify_hash, p_verify_expires);
  INSERT INTO app.outbox (tenant_id, template, user_id, vars)
    VALUES (v_tenant, 'email-verification', v_user, coalesce(p_verify_vars, '{}'::jsonb));
  RETURN QUERY SELECT v_tenant, v_user;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.sign_up(text,text,text,text,text,text,timestamp with time zone,text,timestamp with time zone,jsonb) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.sign_up(text,text,text,text,text,text,timestamp with time zone,text,timestamp with time zone,jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.sign_up(text,text,text,text,text,text,timestamp with time zone,text,timestamp with time zone,jsonb) TO foyer_login;
