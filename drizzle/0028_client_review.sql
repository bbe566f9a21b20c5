CREATE TABLE "app"."review_entries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"round_id" uuid,
	"round_n" integer NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_name" text NOT NULL,
	"shown_name" text NOT NULL,
	"decision" text,
	"body" text,
	"pin" jsonb,
	"deliverables" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reviewer_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"reviewers_shown" text[] DEFAULT '{}'::text[] NOT NULL,
	"rule" text,
	"ip" "inet",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "review_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "review_entries_kind_known" CHECK ("app"."review_entries"."kind" in ('round', 'decision')),
	CONSTRAINT "review_entries_seq_positive" CHECK ("app"."review_entries"."seq" >= 1 and "app"."review_entries"."round_n" >= 1),
	CONSTRAINT "review_entries_shape" CHECK (("app"."review_entries"."kind" = 'round' and "app"."review_entries"."round_id" is null and "app"."review_entries"."decision" is null and "app"."review_entries"."rule" in ('any', 'all') and cardinality("app"."review_entries"."reviewer_ids") between 1 and 50 and cardinality("app"."review_entries"."reviewers_shown") = cardinality("app"."review_entries"."reviewer_ids"))
       or ("app"."review_entries"."kind" = 'decision' and "app"."review_entries"."round_id" is not null and "app"."review_entries"."decision" in ('approved', 'revisions') and "app"."review_entries"."rule" is null)),
	CONSTRAINT "review_entries_revisions_explained" CHECK ("app"."review_entries"."decision" is distinct from 'revisions' or length(btrim(coalesce("app"."review_entries"."body", ''))) > 0),
	CONSTRAINT "review_entries_body_length" CHECK (length("app"."review_entries"."body") <= 20000),
	CONSTRAINT "review_entries_hashes" CHECK ("app"."review_entries"."hash" ~ '^[0-9a-f]{64}$' and "app"."review_entries"."prev_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "app"."review_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."review_reminders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"round_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_reminders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."review_reminders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."tasks" ADD COLUMN "client_review" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD COLUMN "review_rule" text DEFAULT 'any' NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD COLUMN "review_reminder_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD COLUMN "reviewers_named" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."review_entries" ADD CONSTRAINT "review_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."review_entries" ADD CONSTRAINT "review_entries_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "app"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."review_entries" ADD CONSTRAINT "review_entries_tenant_id_round_id_review_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","round_id") REFERENCES "app"."review_entries"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."review_reminders" ADD CONSTRAINT "review_reminders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."review_reminders" ADD CONSTRAINT "review_reminders_tenant_id_round_id_review_entries_tenant_id_id_fk" FOREIGN KEY ("tenant_id","round_id") REFERENCES "app"."review_entries"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "review_entries_task_seq_idx" ON "app"."review_entries" USING btree ("tenant_id","task_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "review_entries_round_actor_idx" ON "app"."review_entries" USING btree ("tenant_id","round_id","actor_id") WHERE "app"."review_entries"."kind" = 'decision';--> statement-breakpoint
CREATE INDEX "review_entries_tenant_rounds_idx" ON "app"."review_entries" USING btree ("tenant_id","created_at") WHERE "app"."review_entries"."kind" = 'round';--> statement-breakpoint
CREATE INDEX "review_reminders_round_idx" ON "app"."review_reminders" USING btree ("tenant_id","round_id","sent_at");--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD CONSTRAINT "work_settings_review_rule_known" CHECK ("app"."work_settings"."review_rule" in ('any', 'all'));--> statement-breakpoint
ALTER TABLE "app"."work_settings" ADD CONSTRAINT "work_settings_review_reminder_days_range" CHECK ("app"."work_settings"."review_reminder_days" between 0 and 60);--> statement-breakpoint
CREATE POLICY "review_entries_team_select" ON "app"."review_entries" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."review_entries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."review_entries"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))));--> statement-breakpoint
CREATE POLICY "review_entries_team_insert" ON "app"."review_entries" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."review_entries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ((select current_setting('app.role', true)) = 'admin' or "app"."review_entries"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) and "app"."review_entries"."kind" = 'round' and "app"."review_entries"."actor_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "review_entries_client_select" ON "app"."review_entries" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."review_entries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."review_entries"."task_id" in (select rt.id from app.tasks rt) and coalesce((select 'review' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "review_entries_client_insert" ON "app"."review_entries" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."review_entries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."review_entries"."kind" = 'decision' and "app"."review_entries"."actor_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."review_entries"."task_id" in (select rt.id from app.tasks rt) and coalesce((select 'review' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false));--> statement-breakpoint
CREATE POLICY "review_reminders_team_select" ON "app"."review_reminders" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."review_reminders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (((select current_setting('app.role', true)) = 'admin' or "app"."review_reminders"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
CREATE POLICY "review_reminders_team_insert" ON "app"."review_reminders" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."review_reminders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (select current_setting('app.role', true)) = 'worker');--> statement-breakpoint
CREATE POLICY "review_reminders_client_select" ON "app"."review_reminders" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."review_reminders"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."review_reminders"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
ALTER TABLE app.review_entries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.review_reminders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The trail is insert-only for every runtime role: nobody edits or removes history.
REVOKE UPDATE, DELETE, TRUNCATE ON app.review_entries, app.review_reminders FROM foyer_team;
--> statement-breakpoint
-- A client reads the trail but for the team's copy of names and where each act came from, and
-- records their own decision: the facts they choose; the database fills the rest.
GRANT SELECT (tenant_id, id, task_id, project_id, seq, kind, round_id, round_n, actor_id, shown_name, decision, body, pin, deliverables, reviewer_ids, reviewers_shown, rule, created_at, prev_hash, hash) ON app.review_entries TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, id, task_id, kind, round_id, actor_id, decision, body, pin, ip) ON app.review_entries TO foyer_client;
--> statement-breakpoint
GRANT SELECT ON app.review_reminders TO foyer_client;
--> statement-breakpoint
GRANT SELECT ON app.review_entries, app.review_reminders, app.work_settings, app.task_statuses, app.project_clients TO foyer_system;
--> statement-breakpoint
GRANT UPDATE (status_id, position, updated_at) ON app.tasks TO foyer_system;
--> statement-breakpoint
-- A round's state from its decisions: the one rule, read by the trigger that guards decisions and
-- by the queries that show rounds. A request for revisions closes the round; under `any` one
-- approval approves it, under `all` every reviewer's; a later round supersedes an undecided one.
CREATE OR REPLACE FUNCTION app.review_state(p_rule text, p_reviewers integer, p_approvals integer, p_revisions integer, p_superseded boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT CASE
    WHEN p_revisions > 0 THEN 'revisions'
    WHEN p_approvals > 0 AND (p_rule = 'any' OR p_approvals >= p_reviewers) THEN 'approved'
    WHEN p_superseded THEN 'superseded'
    ELSE 'open'
  END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.review_state(text, integer, integer, integer, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.review_state(text, integer, integer, integer, boolean) TO foyer_team, foyer_client, foyer_system;
--> statement-breakpoint
-- The hash of one review entry: SHA-256 of the previous entry's hash and the entry's facts, as
-- canonical JSON (jsonb's text form orders keys and spells values one way). The BEFORE INSERT
-- trigger stamps it; the verification recomputes it. Everything the trail vouches for is in it.
CREATE OR REPLACE FUNCTION app_system.review_entry_hash(e app.review_entries)
RETURNS text
LANGUAGE sql IMMUTABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT encode(pg_catalog.sha256(pg_catalog.convert_to(e.prev_hash || pg_catalog.jsonb_build_object(
    'tenant', e.tenant_id, 'id', e.id, 'task', e.task_id, 'project', e.project_id, 'seq', e.seq,
    'kind', e.kind, 'round', e.round_id, 'n', e.round_n, 'actor', e.actor_id,
    'actorName', e.actor_name, 'shown', e.shown_name, 'decision', e.decision, 'body', e.body,
    'pin', e.pin, 'deliverables', e.deliverables, 'reviewers', e.reviewer_ids,
    'reviewersShown', e.reviewers_shown, 'rule', e.rule, 'ip', pg_catalog.host(e.ip),
    'at', pg_catalog.to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_entry_hash(app.review_entries) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_entry_hash(app.review_entries) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_entry_hash(app.review_entries) TO foyer_login;
--> statement-breakpoint
-- Before a review entry of the actor's tenant is written, the database fills what the trail
-- vouches for and refuses what the rules forbid, whoever the writer is (the team's grants cannot skip it, a client's
-- cannot widen it). Fired BEFORE INSERT on app.review_entries.
--   Every entry: its place in the task's chain (seq; two writers racing for one place collide on
--   the unique (task, seq) and the loser retries), the previous hash and its own, the time, the
--   task's project, who acted by their name now.
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
--> statement-breakpoint
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
--> statement-breakpoint
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
--> statement-breakpoint
-- Whether a task's review trail is as it was written: entries numbered 1..n without a gap, each
-- naming the previous entry's hash, each hash recomputed from the entry's facts. Answers only
-- that (and the first entry that fails), for one task of one tenant; the caller has already read
-- the task under its own actor.
CREATE OR REPLACE FUNCTION app_system.review_trail_verify(p_tenant_id uuid, p_task_id uuid)
RETURNS TABLE (ok boolean, entries integer, broken_at integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_entry app.review_entries;
  v_expected integer := 0;
  v_prev text := repeat('0', 64);
BEGIN
  FOR v_entry IN
    SELECT * FROM app.review_entries e WHERE e.tenant_id = p_tenant_id AND e.task_id = p_task_id ORDER BY e.seq
  LOOP
    v_expected := v_expected + 1;
    IF v_entry.seq <> v_expected OR v_entry.prev_hash <> v_prev
       OR v_entry.hash <> app_system.review_entry_hash(v_entry) THEN
      RETURN QUERY SELECT false, (SELECT count(*)::integer FROM app.review_entries e
                                   WHERE e.tenant_id = p_tenant_id AND e.task_id = p_task_id), v_expected;
      RETURN;
    END IF;
    v_prev := v_entry.hash;
  END LOOP;
  RETURN QUERY SELECT true, v_expected, NULL::integer;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.review_trail_verify(uuid, uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.review_trail_verify(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.review_trail_verify(uuid, uuid) TO foyer_login;
--> statement-breakpoint
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
--> statement-breakpoint
CREATE TRIGGER review_entries_chain BEFORE INSERT ON app.review_entries
  FOR EACH ROW EXECUTE FUNCTION app_system.review_entry_chain();
--> statement-breakpoint
CREATE TRIGGER review_entries_move_task AFTER INSERT ON app.review_entries
  FOR EACH ROW EXECUTE FUNCTION app_system.review_entry_moves_task();
--> statement-breakpoint
CREATE TRIGGER review_entries_notify_team AFTER INSERT ON app.review_entries
  FOR EACH ROW EXECUTE FUNCTION app_system.review_decision_notifies();
