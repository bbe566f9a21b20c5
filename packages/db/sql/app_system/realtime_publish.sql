-- Publishes a change for live streams: one row of app.realtime_events (ids only) and a NOTIFY on
-- `foyer_events`, both in the transaction that made the change, so nothing is announced that did
-- not commit. Each server node reads the event again as each recipient (the events' policies
-- follow the thread's and the message's), so a stream shows what the database would. Fired AFTER
-- a message is posted or changed (or gains a file), a reaction comes or goes, a person joins or leaves a
-- conversation, someone reads a thread (their own streams only) and a notification is written.
CREATE OR REPLACE FUNCTION app_system.realtime_publish()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_row record;
  v_kind text;
  v_thread uuid;
  v_message uuid;
  v_user uuid;
  -- A second event of the same change: the person who joined or left a conversation.
  v_also_kind text;
  v_also_user uuid;
  v_id bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    v_row := OLD;
  ELSE
    v_row := NEW;
  END IF;
  CASE TG_TABLE_NAME
    WHEN 'messages' THEN
      v_kind := CASE TG_OP WHEN 'INSERT' THEN 'message.posted' ELSE 'message.changed' END;
      v_thread := v_row.thread_id;
      v_message := v_row.id;
    WHEN 'message_reactions', 'files' THEN
      -- A reaction, or a file attached to a message: its readers hear the message changed.
      v_kind := 'message.changed';
      v_message := v_row.message_id;
      SELECT m.thread_id INTO v_thread FROM app.messages m
      WHERE m.tenant_id = v_row.tenant_id AND m.id = v_row.message_id;
      IF v_thread IS NULL THEN
        RETURN NULL;
      END IF;
    WHEN 'thread_reads' THEN
      v_kind := 'thread.read';
      v_thread := v_row.thread_id;
      v_user := v_row.user_id;
    WHEN 'thread_participants' THEN
      -- The thread's readers hear its people changed; the person, on their own streams, too.
      v_kind := 'thread.people';
      v_thread := v_row.thread_id;
      v_also_kind := CASE TG_OP WHEN 'DELETE' THEN 'thread.left' ELSE 'thread.joined' END;
      v_also_user := v_row.user_id;
    WHEN 'notifications' THEN
      v_kind := 'notification';
      v_user := v_row.user_id;
    ELSE
      RAISE EXCEPTION 'realtime_publish: no events for %', TG_TABLE_NAME;
  END CASE;
  FOR v_id, v_user IN
    INSERT INTO app.realtime_events (tenant_id, kind, thread_id, message_id, user_id)
    SELECT v_row.tenant_id, e.kind, v_thread, v_message, e.user_id
    FROM (VALUES (v_kind, v_user), (v_also_kind, v_also_user)) AS e(kind, user_id)
    WHERE e.kind IS NOT NULL
    RETURNING id, user_id
  LOOP
    PERFORM pg_notify('foyer_events', json_build_object('t', v_row.tenant_id, 'e', v_id,
      'th', v_thread, 'u', v_user)::text);
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.realtime_publish() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.realtime_publish() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.realtime_publish() TO foyer_login;
