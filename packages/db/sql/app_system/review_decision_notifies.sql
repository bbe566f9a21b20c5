-- A reviewer's decision tells the team, which the client's own grants cannot do: whoever
-- submitted the round and the task's assignees (active ones), or the admins when there are none,
-- in the bell and, by their preferences, by email (`review-approved` or `revisions-requested`).
-- The team sees the reviewer's own name and company. Fired AFTER INSERT on app.review_entries;
-- a round does nothing here.
CREATE OR REPLACE FUNCTION app_system.review_decision_notifies()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_company text;
  v_title text;
  v_project_name text;
  v_submitter uuid;
  v_event text;
  v_who text;
  v_title_line text;
  v_link text;
  v_recipients uuid[];
BEGIN
  IF NEW.kind <> 'decision' THEN
    RETURN NULL;
  END IF;
  SELECT c.name INTO v_company
  FROM app.users u JOIN app.clients c ON c.tenant_id = u.tenant_id AND c.id = u.client_id
  WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.actor_id;
  SELECT t.title, p.name INTO v_title, v_project_name
  FROM app.tasks t JOIN app.projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
  WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.task_id;
  SELECT e.actor_id INTO v_submitter FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.id = NEW.round_id;
  SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
  FROM app.users u
  WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role <> 'client'
    AND (u.id = v_submitter
      OR u.id IN (SELECT a.user_id FROM app.task_assignees a WHERE a.tenant_id = NEW.tenant_id AND a.task_id = NEW.task_id));
  IF cardinality(v_recipients) = 0 THEN
    SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
    FROM app.users u WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role = 'admin';
  END IF;
  v_who := NEW.actor_name || coalesce(' (' || v_company || ')', '');
  IF NEW.decision = 'approved' THEN
    v_event := 'review-approved';
    v_title_line := v_who || ' approved “' || v_title || '” (round ' || NEW.round_n || ')';
  ELSE
    v_event := 'revisions-requested';
    v_title_line := v_who || ' asked for revisions on “' || v_title || '” (round ' || NEW.round_n || ')';
  END IF;
  v_link := '/admin/tasks/' || NEW.task_id;
  INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
  SELECT NEW.tenant_id, r, v_event, left(v_title_line, 300), left(coalesce(NEW.body, ''), 280), v_link
  FROM unnest(v_recipients) AS r;
  INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
  SELECT NEW.tenant_id, v_event, r, v_event,
    jsonb_build_object('taskTitle', v_title, 'projectName', v_project_name,
      'approvedByName', v_who, 'requestedByName', v_who, 'roundNumber', NEW.round_n,
      'comment', left(coalesce(NEW.body, ''), 2000), 'taskUrl', v_link)
  FROM unnest(v_recipients) AS r;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_decision_notifies() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_decision_notifies() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_decision_notifies() TO foyer_login;
