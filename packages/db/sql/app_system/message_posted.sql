-- What a new message does beyond itself, which its author's grants cannot do: the thread's
-- latest-message time; the people it mentions are told (bell, and email by their preferences);
-- and in conversations (not task threads) the other participants who hold no live stream
-- anywhere are told in the bell and by email (by preferences) at most once per conversation per
-- 15 minutes. Both reach only people who may read the message: in a task thread the team that
-- reaches the project; in a conversation its participants, a client only while they read it
-- (`messages` on, and for a project discussion still on the project, with `projects`, and the
-- project not archived). Fired AFTER INSERT on app.messages.
CREATE OR REPLACE FUNCTION app_system.message_posted()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_thread record;
  v_real_name text;
  v_context text;
  v_excerpt text;
  v_mentioned uuid[];
BEGIN
  UPDATE app.threads t SET last_message_at = NEW.created_at
  WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.thread_id;
  SELECT t.kind, t.title, t.task_id, t.project_id, p.name AS project_name, k.title AS task_title
  INTO v_thread
  FROM app.threads t
    LEFT JOIN app.projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id
    LEFT JOIN app.tasks k ON k.tenant_id = t.tenant_id AND k.id = t.task_id
  WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.thread_id;
  SELECT u.name INTO v_real_name FROM app.users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.author_id;
  v_context := coalesce(v_thread.task_title, v_thread.title, 'a conversation');
  v_excerpt := left(regexp_replace(NEW.body, '\s+', ' ', 'g'), 280);

  -- Mentions: active people other than the author who may read the message.
  SELECT coalesce(array_agg(u.id), '{}') INTO v_mentioned
  FROM app.users u
  WHERE u.tenant_id = NEW.tenant_id AND u.id = ANY (NEW.mentions) AND u.id IS DISTINCT FROM NEW.author_id
    AND u.status = 'active'
    AND CASE WHEN v_thread.kind = 'task' THEN
          u.role = 'admin' OR (u.role = 'staff' AND u.id IN (SELECT ps.user_id FROM app.project_staff ps
            WHERE ps.tenant_id = NEW.tenant_id AND ps.project_id = v_thread.project_id))
        ELSE
          u.id IN (SELECT tp.user_id FROM app.thread_participants tp
            WHERE tp.tenant_id = NEW.tenant_id AND tp.thread_id = NEW.thread_id)
          AND (u.role <> 'client' OR (NEW.client_visible AND 'messages' = ANY (u.permissions)
            AND (v_thread.kind = 'direct' OR ('projects' = ANY (u.permissions) AND EXISTS (
              SELECT 1 FROM app.project_clients pc JOIN app.projects p ON p.tenant_id = pc.tenant_id AND p.id = pc.project_id
              WHERE pc.tenant_id = NEW.tenant_id AND pc.user_id = u.id AND pc.project_id = v_thread.project_id
                AND p.status <> 'archived')))))
        END;
  IF cardinality(v_mentioned) > 0 THEN
    INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
    SELECT NEW.tenant_id, u.id, 'mention',
      left(CASE WHEN u.role = 'client' THEN coalesce(NEW.author_name, 'The team') ELSE coalesce(v_real_name, NEW.author_name, 'Someone') END
        || ' mentioned you in “' || v_context || '”', 300),
      v_excerpt,
      CASE WHEN v_thread.kind = 'task' THEN '/admin/tasks/' || v_thread.task_id
        WHEN u.role = 'client' THEN '/messages/' || NEW.thread_id
        ELSE '/admin/messages/' || NEW.thread_id END
    FROM app.users u WHERE u.tenant_id = NEW.tenant_id AND u.id = ANY (v_mentioned);
    INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
    SELECT NEW.tenant_id, 'mention', u.id, 'mention',
      jsonb_build_object(
        'mentionedByName', CASE WHEN u.role = 'client' THEN coalesce(NEW.author_name, 'The team') ELSE coalesce(v_real_name, NEW.author_name, 'Someone') END,
        'projectName', coalesce(v_thread.project_name, v_context),
        'excerpt', v_excerpt,
        'mentionUrl', CASE WHEN v_thread.kind = 'task' THEN '/admin/tasks/' || v_thread.task_id
          WHEN u.role = 'client' THEN '/messages/' || NEW.thread_id
          ELSE '/admin/messages/' || NEW.thread_id END)
    FROM app.users u WHERE u.tenant_id = NEW.tenant_id AND u.id = ANY (v_mentioned);
  END IF;

  IF v_thread.kind = 'task' THEN
    RETURN NULL;
  END IF;

  -- Everyone else in the conversation who is not reading anywhere and was not told in the last
  -- 15 minutes: one bell notice and one email (by preference), and the time is kept.
  WITH told AS (
    SELECT u.id, u.role FROM app.thread_participants tp
      JOIN app.users u ON u.tenant_id = tp.tenant_id AND u.id = tp.user_id
      LEFT JOIN app.thread_reads r ON r.tenant_id = tp.tenant_id AND r.thread_id = tp.thread_id AND r.user_id = tp.user_id
    WHERE tp.tenant_id = NEW.tenant_id AND tp.thread_id = NEW.thread_id
      AND u.id IS DISTINCT FROM NEW.author_id AND NOT (u.id = ANY (v_mentioned))
      AND u.status = 'active'
      AND (u.role <> 'client' OR (NEW.client_visible AND 'messages' = ANY (u.permissions)
        AND (v_thread.kind = 'direct' OR ('projects' = ANY (u.permissions) AND EXISTS (
          SELECT 1 FROM app.project_clients pc JOIN app.projects p ON p.tenant_id = pc.tenant_id AND p.id = pc.project_id
          WHERE pc.tenant_id = NEW.tenant_id AND pc.user_id = u.id AND pc.project_id = v_thread.project_id
            AND p.status <> 'archived')))))
      AND (r.emailed_at IS NULL OR r.emailed_at < now() - interval '15 minutes')
      AND NOT EXISTS (SELECT 1 FROM platform.presence pr
        WHERE pr.tenant_id = tp.tenant_id AND pr.user_id = tp.user_id AND pr.seen_at > now() - interval '90 seconds')
  ), marked AS (
    INSERT INTO app.thread_reads (tenant_id, thread_id, user_id, read_at, emailed_at)
    SELECT NEW.tenant_id, NEW.thread_id, told.id, NULL, now() FROM told
    ON CONFLICT (tenant_id, user_id, thread_id) DO UPDATE SET emailed_at = now()
  ), bell AS (
    INSERT INTO app.notifications (tenant_id, user_id, event, title, body, link)
    SELECT NEW.tenant_id, told.id, 'message-new',
      left(CASE WHEN told.role = 'client' THEN coalesce(NEW.author_name, 'The team') ELSE coalesce(v_real_name, NEW.author_name, 'Someone') END
        || ' wrote in “' || v_context || '”', 300),
      v_excerpt,
      CASE WHEN told.role = 'client' THEN '/messages/' || NEW.thread_id ELSE '/admin/messages/' || NEW.thread_id END
    FROM told
  )
  INSERT INTO app.outbox (tenant_id, template, user_id, event, vars)
  SELECT NEW.tenant_id, 'message-new', told.id, 'message-new',
    jsonb_build_object(
      'senderName', CASE WHEN told.role = 'client' THEN coalesce(NEW.author_name, 'The team') ELSE coalesce(v_real_name, NEW.author_name, 'Someone') END,
      'projectName', coalesce(v_thread.project_name, v_context),
      'excerpt', v_excerpt,
      'messageUrl', CASE WHEN told.role = 'client' THEN '/messages/' || NEW.thread_id ELSE '/admin/messages/' || NEW.thread_id END)
  FROM told;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.message_posted() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.message_posted() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.message_posted() TO foyer_login;
