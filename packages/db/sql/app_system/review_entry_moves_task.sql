-- A review entry moves its task where the trail says: a round to the board's first `review`
-- column; a decision that closes its round to the first `done` column (approved) or the first
-- `in_progress` column (revisions). Clients hold no write on tasks: this is how their decision
-- moves one. Takes the project's board lock as the board's own moves do, puts the task at the end
-- of its new column and closes the gap it left. Fired AFTER INSERT on app.review_entries.
CREATE OR REPLACE FUNCTION app_system.review_entry_moves_task()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_kind text;
  v_round record;
  v_approvals integer;
  v_revisions integer;
  v_state text;
  v_task record;
  v_target uuid;
BEGIN
  IF NEW.kind = 'round' THEN
    v_kind := 'review';
  ELSE
    SELECT e.rule, e.reviewer_ids INTO v_round
    FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.id = NEW.round_id;
    SELECT count(*) FILTER (WHERE e.decision = 'approved'), count(*) FILTER (WHERE e.decision = 'revisions')
      INTO v_approvals, v_revisions
    FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.round_id = NEW.round_id AND e.kind = 'decision';
    v_state := app.review_state(v_round.rule, cardinality(v_round.reviewer_ids), v_approvals, v_revisions, false);
    IF v_state = 'approved' THEN
      v_kind := 'done';
    ELSIF v_state = 'revisions' THEN
      v_kind := 'in_progress';
    ELSE
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('tasks-board:' || NEW.project_id::text, 0));
  SELECT t.status_id, t.archived_at INTO v_task
  FROM app.tasks t WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.task_id FOR UPDATE;
  IF NOT FOUND OR v_task.archived_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  SELECT s.id INTO v_target FROM app.task_statuses s
  WHERE s.tenant_id = NEW.tenant_id AND s.kind = v_kind ORDER BY s.position, s.id LIMIT 1;
  IF v_target IS NULL OR v_target = v_task.status_id THEN
    RETURN NULL;
  END IF;
  UPDATE app.tasks t
     SET status_id = v_target, updated_at = pg_catalog.now(),
         position = (SELECT count(*)::integer FROM app.tasks c
                      WHERE c.tenant_id = NEW.tenant_id AND c.project_id = NEW.project_id
                        AND c.status_id = v_target AND c.archived_at IS NULL)
   WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.task_id;
  UPDATE app.tasks t SET position = r.n
    FROM (SELECT c.tenant_id, c.id, (row_number() OVER (ORDER BY c.position, c.created_at, c.id) - 1)::integer AS n
            FROM app.tasks c
           WHERE c.tenant_id = NEW.tenant_id AND c.project_id = NEW.project_id
             AND c.status_id = v_task.status_id AND c.archived_at IS NULL) r
   WHERE t.tenant_id = r.tenant_id AND t.id = r.id AND t.position <> r.n;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_entry_moves_task() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_entry_moves_task() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_entry_moves_task() TO foyer_login;
