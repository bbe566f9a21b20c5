-- Two reviewers deciding on one round at once could both find it open: the state check and the
-- chain's place were read by different statements. Entries of one task are now written one
-- transaction at a time.
-- Before a review entry of the actor's tenant is written, the database fills what the trail
-- vouches for and refuses what the rules forbid, whoever the writer is (the team's grants cannot skip it, a client's
-- cannot widen it). Fired BEFORE INSERT on app.review_entries.
--   Every entry: its place in the task's chain, the previous hash and its own, the time, the
--   task's project, who acted by their name now. Entries of one task are written one transaction
--   at a time (a transaction lock on the task), so every check below reads the entries committed
--   before it: two reviewers deciding at once cannot both find the round open, and two writers
--   never take the same place (the unique (task, seq) stays as the backstop).
--   A round: by an active team member; the task client-visible and not archived; reviewers who
--   are active clients of the project holding `review`; its number; the tenant's approval rule;
--   the names reviewers see each other by (theirs if the agency names them, else their company's).
--   A decision: on the task's latest round while it is open, by one of its reviewers who holds
--   `review` and has not decided on it yet.
CREATE OR REPLACE FUNCTION app_system.review_entry_chain()
RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_task record;
  v_actor record;
  v_prev record;
  v_round record;
  v_named boolean;
  v_rule text;
  v_valid integer;
  v_approvals integer;
  v_revisions integer;
BEGIN
  -- Another tenant's row is the tenant wall's to refuse (its policies run after this trigger):
  -- answer nothing about that tenant's tasks or people here.
  IF NEW.tenant_id IS DISTINCT FROM nullif(current_setting('app.tenant_id', true), '')::uuid THEN
    RETURN NEW;
  END IF;
  -- Waits for any other transaction writing this task's trail; the statements after it see what
  -- that one committed (READ COMMITTED takes a snapshot per statement).
  PERFORM pg_advisory_xact_lock(hashtextextended('review-entries:' || NEW.task_id::text, 0));
  SELECT t.project_id, t.client_visible, t.archived_at INTO v_task
  FROM app.tasks t WHERE t.tenant_id = NEW.tenant_id AND t.id = NEW.task_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'review: no such task' USING ERRCODE = 'P0001', HINT = 'review_task_missing';
  END IF;
  SELECT u.name, u.role, u.status, u.permissions, c.name AS company INTO v_actor
  FROM app.users u LEFT JOIN app.clients c ON c.tenant_id = u.tenant_id AND c.id = u.client_id
  WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.actor_id;
  IF NOT FOUND OR v_actor.status <> 'active' THEN
    RAISE EXCEPTION 'review: the actor is not an active member of the tenant' USING ERRCODE = 'P0001', HINT = 'review_actor';
  END IF;
  SELECT coalesce(ws.reviewers_named, false), coalesce(ws.review_rule, 'any') INTO v_named, v_rule
  FROM (SELECT 1) one LEFT JOIN app.work_settings ws ON ws.tenant_id = NEW.tenant_id;

  NEW.project_id := v_task.project_id;
  NEW.created_at := pg_catalog.now();
  NEW.actor_name := v_actor.name;

  IF NEW.kind = 'round' THEN
    IF v_actor.role = 'client' THEN
      RAISE EXCEPTION 'review: only the team submits rounds' USING ERRCODE = 'P0001', HINT = 'review_actor';
    END IF;
    IF NOT v_task.client_visible OR v_task.archived_at IS NOT NULL THEN
      RAISE EXCEPTION 'review: the task is not shared with the client' USING ERRCODE = 'P0001', HINT = 'review_task_hidden';
    END IF;
    SELECT count(*) INTO v_valid
    FROM (SELECT DISTINCT r FROM unnest(NEW.reviewer_ids) AS r) ids
      JOIN app.users u ON u.tenant_id = NEW.tenant_id AND u.id = ids.r
      JOIN app.project_clients pc ON pc.tenant_id = u.tenant_id AND pc.user_id = u.id AND pc.project_id = v_task.project_id
    WHERE u.role = 'client' AND u.status = 'active' AND 'review' = ANY (u.permissions) AND 'projects' = ANY (u.permissions);
    IF v_valid = 0 OR v_valid <> cardinality(NEW.reviewer_ids) THEN
      RAISE EXCEPTION 'review: every reviewer must be an active client of the project with review on' USING ERRCODE = 'P0001', HINT = 'review_reviewers';
    END IF;
    NEW.round_id := NULL;
    NEW.decision := NULL;
    NEW.pin := NULL;
    NEW.rule := v_rule;
    NEW.shown_name := v_actor.name;
    SELECT coalesce(array_agg(CASE WHEN v_named THEN u.name ELSE coalesce(c.name, u.name) END ORDER BY ids.ord), '{}')
      INTO NEW.reviewers_shown
    FROM unnest(NEW.reviewer_ids) WITH ORDINALITY AS ids(r, ord)
      JOIN app.users u ON u.tenant_id = NEW.tenant_id AND u.id = ids.r
      LEFT JOIN app.clients c ON c.tenant_id = u.tenant_id AND c.id = u.client_id;
    SELECT coalesce(max(e.round_n), 0) + 1 INTO NEW.round_n
    FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.task_id = NEW.task_id AND e.kind = 'round';
  ELSIF NEW.kind = 'decision' THEN
    IF v_actor.role <> 'client' OR NOT ('review' = ANY (v_actor.permissions)) THEN
      RAISE EXCEPTION 'review: only a reviewer decides' USING ERRCODE = 'P0001', HINT = 'review_not_reviewer';
    END IF;
    SELECT e.id, e.round_n, e.rule, e.reviewer_ids INTO v_round
    FROM app.review_entries e
    WHERE e.tenant_id = NEW.tenant_id AND e.task_id = NEW.task_id AND e.kind = 'round'
    ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND OR v_round.id <> NEW.round_id THEN
      RAISE EXCEPTION 'review: not the current round' USING ERRCODE = 'P0001', HINT = 'review_round_closed';
    END IF;
    IF NOT (NEW.actor_id = ANY (v_round.reviewer_ids)) THEN
      RAISE EXCEPTION 'review: not a reviewer of this round' USING ERRCODE = 'P0001', HINT = 'review_not_reviewer';
    END IF;
    IF EXISTS (SELECT 1 FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.round_id = NEW.round_id
                 AND e.kind = 'decision' AND e.actor_id = NEW.actor_id) THEN
      RAISE EXCEPTION 'review: already decided' USING ERRCODE = 'P0001', HINT = 'review_decided';
    END IF;
    SELECT count(*) FILTER (WHERE e.decision = 'approved'), count(*) FILTER (WHERE e.decision = 'revisions')
      INTO v_approvals, v_revisions
    FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.round_id = NEW.round_id AND e.kind = 'decision';
    IF app.review_state(v_round.rule, cardinality(v_round.reviewer_ids), v_approvals, v_revisions, false) <> 'open' THEN
      RAISE EXCEPTION 'review: the round is closed' USING ERRCODE = 'P0001', HINT = 'review_round_closed';
    END IF;
    NEW.round_n := v_round.round_n;
    NEW.rule := NULL;
    NEW.deliverables := '[]'::jsonb;
    NEW.reviewer_ids := '{}'::uuid[];
    NEW.reviewers_shown := '{}'::text[];
    NEW.shown_name := CASE WHEN v_named THEN v_actor.name ELSE coalesce(v_actor.company, v_actor.name) END;
  END IF;

  SELECT e.seq, e.hash INTO v_prev
  FROM app.review_entries e WHERE e.tenant_id = NEW.tenant_id AND e.task_id = NEW.task_id
  ORDER BY e.seq DESC LIMIT 1;
  NEW.seq := coalesce(v_prev.seq, 0) + 1;
  NEW.prev_hash := coalesce(v_prev.hash, repeat('0', 64));
  NEW.hash := app_system.review_entry_hash(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_entry_chain() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_entry_chain() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_entry_chain() TO foyer_login;
