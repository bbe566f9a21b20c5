-- Host -> tenant. Exactly one of the arguments is given: the slug of `<slug>.<platform domain>`,
-- or a custom hostname, which matches only once verified.
CREATE OR REPLACE FUNCTION app_system.tenant_for_host(p_slug text, p_hostname text)
RETURNS TABLE (
  tenant_id uuid,
  slug text,
  name text,
  status text,
  primary_domain text,
  branding jsonb
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
  SELECT t.id, t.slug, t.name, t.status,
    (SELECT d.hostname FROM platform.domains d
      WHERE d.tenant_id = t.id AND d.verified_at IS NOT NULL
      ORDER BY d.verified_at LIMIT 1),
    CASE WHEN b.tenant_id IS NULL THEN NULL ELSE jsonb_build_object(
      'displayName', b.display_name,
      'primaryColor', b.primary_color,
      'accentColor', b.accent_color,
      'theme', b.theme,
      'logoSha256', b.logo_sha256,
      'faviconSha256', b.favicon_sha256,
      'welcomeText', b.welcome_text,
      'portalWelcome', b.portal_welcome,
      'loginBackground', b.login_background,
      'contactEmail', b.contact_email,
      'contactPhone', b.contact_phone,
      'website', b.website,
      'address', b.address,
      'documentBusinessName', b.document_business_name,
      'documentAddress', b.document_address,
      'documentTaxId', b.document_tax_id,
      'documentPaymentTerms', b.document_payment_terms
    ) END
  FROM platform.tenants t
  LEFT JOIN app.branding b ON b.tenant_id = t.id
  WHERE (p_slug IS NOT NULL AND t.slug = p_slug)
     OR (p_hostname IS NOT NULL AND t.id = (
          SELECT d.tenant_id FROM platform.domains d
          WHERE d.hostname = p_hostname AND d.verified_at IS NOT NULL));
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.tenant_for_host(text,text) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.tenant_for_host(text,text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.tenant_for_host(text,text) TO foyer_login;
