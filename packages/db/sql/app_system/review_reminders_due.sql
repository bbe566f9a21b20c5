-- Open review rounds whose reviewers are due a reminder, across tenants (the reminder job): the
-- round has waited at least the tenant's reminder days (0 turns reminders off), and no reminder
-- went out for it in as many days. Returns the reviewers still to decide who can still review
-- (active clients of the project holding `review`), oldest rounds first. p_tenant_ids, when
-- given, narrows the list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.review_reminders_due(p_now timestamptz, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, task_id uuid, project_id uuid, round_id uuid, round_n integer,
  task_title text, project_name text, submitted_at timestamptz, reviewer_ids uuid[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT r.tenant_id, tn.slug, r.task_id, r.project_id, r.id, r.round_n, t.title, p.name, r.created_at,
    array(SELECT u.id FROM unnest(r.reviewer_ids) AS rv(id)
            JOIN app.users u ON u.tenant_id = r.tenant_id AND u.id = rv.id
            JOIN app.project_clients pc ON pc.tenant_id = r.tenant_id AND pc.project_id = r.project_id AND pc.user_id = u.id
           WHERE u.status = 'active' AND 'review' = ANY (u.permissions) AND 'projects' = ANY (u.permissions)
             AND NOT EXISTS (SELECT 1 FROM app.review_entries d WHERE d.tenant_id = r.tenant_id
                               AND d.round_id = r.id AND d.kind = 'decision' AND d.actor_id = u.id)
           ORDER BY u.id)
  FROM app.review_entries r
    JOIN platform.tenants tn ON tn.id = r.tenant_id AND tn.status = 'active'
    JOIN app.tasks t ON t.tenant_id = r.tenant_id AND t.id = r.task_id AND t.archived_at IS NULL AND t.client_visible
    JOIN app.projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id AND p.status <> 'archived'
    LEFT JOIN app.work_settings ws ON ws.tenant_id = r.tenant_id
  WHERE r.kind = 'round'
    AND (p_tenant_ids IS NULL OR r.tenant_id = ANY (p_tenant_ids))
    AND coalesce(ws.review_reminder_days, 3) > 0
    AND r.created_at <= p_now - make_interval(days => coalesce(ws.review_reminder_days, 3))
    -- the task's latest round, still open
    AND NOT EXISTS (SELECT 1 FROM app.review_entries later WHERE later.tenant_id = r.tenant_id
                      AND later.task_id = r.task_id AND later.kind = 'round' AND later.seq > r.seq)
    AND app.review_state(r.rule, cardinality(r.reviewer_ids),
          (SELECT count(*)::integer FROM app.review_entries d WHERE d.tenant_id = r.tenant_id AND d.round_id = r.id AND d.decision = 'approved'),
          (SELECT count(*)::integer FROM app.review_entries d WHERE d.tenant_id = r.tenant_id AND d.round_id = r.id AND d.decision = 'revisions'),
          false) = 'open'
    AND NOT EXISTS (SELECT 1 FROM app.review_reminders rm WHERE rm.tenant_id = r.tenant_id AND rm.round_id = r.id
                      AND rm.sent_at > p_now - make_interval(days => coalesce(ws.review_reminder_days, 3)))
  ORDER BY r.created_at
  LIMIT p_limit
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_reminders_due(timestamptz, integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_reminders_due(timestamptz, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_reminders_due(timestamptz, integer, uuid[]) TO foyer_login;
