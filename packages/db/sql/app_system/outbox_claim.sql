-- The worker's claim: due rows of every tenant (and rows whose lease ran out, after a crash),
-- locked with SKIP LOCKED so concurrent workers take disjoint rows, leased to one claim id.
-- p_tenant_ids, when given, narrows the claim to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.outbox_claim(p_limit integer, p_lease_seconds integer, p_tenant_ids uuid[])
RETURNS TABLE (
  tenant_id uuid, tenant_slug text, id uuid, claim_id uuid, template text, user_id uuid,
  to_address text, event text, vars jsonb, attempts integer, created_at timestamptz
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_claim uuid := gen_random_uuid();
BEGIN
  RETURN QUERY
    WITH due AS (
      SELECT o.tenant_id, o.id FROM app.outbox o
      WHERE o.status IN ('queued', 'sending')
        AND (p_tenant_ids IS NULL OR o.tenant_id = ANY (p_tenant_ids))
        AND ((o.status = 'queued' AND o.next_attempt_at <= now())
          OR (o.status = 'sending' AND o.lease_until < now()))
      ORDER BY o.next_attempt_at
      LIMIT least(greatest(p_limit, 1), 500)
      FOR UPDATE OF o SKIP LOCKED
    )
    UPDATE app.outbox o
       SET status = 'sending', claim_id = v_claim, attempts = o.attempts + 1, updated_at = now(),
           lease_until = now() + make_interval(secs => greatest(p_lease_seconds, 1))
      FROM due JOIN platform.tenants t ON t.id = due.tenant_id
     WHERE o.tenant_id = due.tenant_id AND o.id = due.id
    RETURNING o.tenant_id, t.slug, o.id, o.claim_id, o.template, o.user_id, o.to_address, o.event, o.vars,
              o.attempts, o.created_at;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.outbox_claim(integer,integer,uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.outbox_claim(integer,integer,uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.outbox_claim(integer,integer,uuid[]) TO foyer_login;
