-- People owed an offline digest, across tenants: active people in active workspaces with a
-- notice that waited unread since p_before (and is less than three days old), not yet carried by
-- a digest, of an event they get as a digest (their choice, else p_default_digest, the events
-- whose default is the digest), who hold no live stream on any node. The job then reads and
-- claims each person's notices as that person (packages/core/src/notifications/digest.ts).
-- p_tenant_ids, when given, narrows the list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.digests_due(p_before timestamptz, p_default_digest text[], p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, user_id uuid, role text, client_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT n.tenant_id, t.slug, n.user_id, u.role, u.client_id
  FROM app.notifications n
    JOIN platform.tenants t ON t.id = n.tenant_id
    JOIN app.users u ON u.tenant_id = n.tenant_id AND u.id = n.user_id
    LEFT JOIN app.notification_preferences np
      ON np.tenant_id = n.tenant_id AND np.user_id = n.user_id AND np.event = n.event
  WHERE n.read_at IS NULL AND n.digested_at IS NULL
    AND n.created_at <= p_before AND n.created_at > p_before - interval '3 days'
    AND t.status = 'active' AND u.status = 'active'
    AND coalesce(np.delivery, CASE WHEN n.event = ANY (p_default_digest) THEN 'digest' ELSE 'instant' END) = 'digest'
    AND (p_tenant_ids IS NULL OR n.tenant_id = ANY (p_tenant_ids))
    AND NOT EXISTS (SELECT 1 FROM platform.presence pr
      WHERE pr.tenant_id = n.tenant_id AND pr.user_id = n.user_id AND pr.seen_at > now() - interval '90 seconds')
  GROUP BY n.tenant_id, t.slug, n.user_id, u.role, u.client_id
  ORDER BY min(n.created_at)
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.digests_due(timestamp with time zone, text[], integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.digests_due(timestamp with time zone, text[], integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.digests_due(timestamp with time zone, text[], integer, uuid[]) TO foyer_login;
