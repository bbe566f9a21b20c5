-- A client's comment on a task tells the team, which the client's own grants cannot do: the
-- task's assignees and the project's staff (active ones), or the admins when there are none, in
-- the bell and, by their preferences, by email. Fired AFTER INSERT on app.messages; a team
-- member's message does nothing here.
CREATE OR REPLACE FUNCTION app_system.client_comment_posted()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_author text;
  v_company text;
  v_task uuid;
  v_project uuid;
  v_title text;
  v_project_name text;
  v_link text;
  v_recipients uuid[];
BEGIN
  SELECT u.name, c.name INTO v_author, v_company
  FROM app.users u JOIN app.clients c ON c.tenant_id = u.tenant_id AND c.id = u.client_id
  WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.author_id AND u.role = 'client';
  IF v_author IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT t.id, t.project_id, t.title, p.name INTO v_task, v_project, v_title, v_project_name
  FROM app.threads th
    JOIN app.tasks t ON t.tenant_id = th.tenant_id AND t.id = th.task_id
    JOIN app.projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
  WHERE th.tenant_id = NEW.tenant_id AND th.id = NEW.thread_id;
  IF v_task IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
  FROM app.users u
  WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role <> 'client'
    AND (u.id IN (SELECT a.user_id FROM app.task_assignees a WHERE a.tenant_id = NEW.tenant_id AND a.task_id = v_task)
      OR u.id IN (SELECT s.user_id FROM app.project_staff s WHERE s.tenant_id = NEW.tenant_id AND s.project_id = v_project));
  IF cardinality(v_recipients) = 0 THEN
    SELECT coalesce(array_agg(u.id), '{}') INTO v_recipients
    FROM app.users u
    WHERE u.tenant_id = NEW.tenant_id AND u.status = 'active' AND u.role = 'admin';
  END IF;
  v_link := '/admin/tasks/' || v_task;
  INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
  SELECT NEW.tenant_id, r, 'task-comment',
    left(v_author || ' (' || v_company || ') commented on “' || v_title || '”', 300), left(NEW.body, 280), v_link
  FROM unnest(v_recipients) AS r;
  INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
  SELECT NEW.tenant_id, 'task-comment', r, 'task-comment',
    jsonb_build_object('taskTitle', v_title, 'projectName', v_project_name, 'authorName', v_author,
      'companyName', v_company, 'comment', left(NEW.body, 2000), 'taskUrl', v_link)
  FROM unnest(v_recipients) AS r;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.client_comment_posted() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.client_comment_posted() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.client_comment_posted() TO foyer_login;
