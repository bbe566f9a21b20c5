CREATE TABLE "app"."email_summaries" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"frequency" text NOT NULL,
	"last_sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_summaries_tenant_id_user_id_pk" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "email_summaries_frequency" CHECK ("app"."email_summaries"."frequency" in ('off', 'daily', 'weekly'))
);
--> statement-breakpoint
ALTER TABLE "app"."email_summaries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" ADD COLUMN "delivery" text;--> statement-breakpoint
-- Existing choices carry over: an email that was on arrives at once, one that was off stays off.
-- The owner is under the table's forced RLS like everyone else; it steps out for this one update.
ALTER TABLE app.notification_preferences NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "app"."notification_preferences" SET "delivery" = CASE WHEN "email" THEN 'instant' ELSE 'off' END;--> statement-breakpoint
ALTER TABLE app.notification_preferences FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" ALTER COLUMN "delivery" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."notifications" ADD COLUMN "digested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app"."email_summaries" ADD CONSTRAINT "email_summaries_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_digest_pending_idx" ON "app"."notifications" USING btree ("tenant_id","created_at") WHERE "app"."notifications"."read_at" is null and "app"."notifications"."digested_at" is null;--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" DROP COLUMN "email";--> statement-breakpoint
ALTER TABLE "app"."notification_preferences" ADD CONSTRAINT "notification_preferences_delivery" CHECK ("app"."notification_preferences"."delivery" in ('instant', 'digest', 'off'));--> statement-breakpoint
CREATE POLICY "email_summaries_own_select" ON "app"."email_summaries" AS PERMISSIVE FOR SELECT TO "foyer_client", "foyer_team" USING ("app"."email_summaries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."email_summaries"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "email_summaries_own_insert" ON "app"."email_summaries" AS PERMISSIVE FOR INSERT TO "foyer_client", "foyer_team" WITH CHECK ("app"."email_summaries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."email_summaries"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "email_summaries_own_update" ON "app"."email_summaries" AS PERMISSIVE FOR UPDATE TO "foyer_client", "foyer_team" USING ("app"."email_summaries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."email_summaries"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("app"."email_summaries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."email_summaries"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "email_summaries_own_delete" ON "app"."email_summaries" AS PERMISSIVE FOR DELETE TO "foyer_client", "foyer_team" USING ("app"."email_summaries"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."email_summaries"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE app.email_summaries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- People choose their own summary; the digest job marks, as the person, what a digest carried.
GRANT SELECT, INSERT, UPDATE, DELETE ON app.email_summaries TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (digested_at) ON app.notifications TO foyer_client;
--> statement-breakpoint

-- Full-text search. unaccent and btree_gin are trusted extensions, which the owner may create;
-- they live in a schema of their own. unaccent() is only STABLE (its dictionary could change),
-- so a column or index cannot call it: app.search_text wraps it as IMMUTABLE, naming the
-- dictionary in whichever schema holds the extension.
CREATE SCHEMA IF NOT EXISTS ext;
--> statement-breakpoint
REVOKE ALL ON SCHEMA ext FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA ext TO foyer_team, foyer_client, foyer_system;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA ext;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA ext;
--> statement-breakpoint
DO $$
DECLARE
  v_schema text;
BEGIN
  SELECT n.nspname INTO v_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'unaccent';
  EXECUTE format(
    'CREATE FUNCTION app.search_text(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE '
    'SET search_path = '''' AS %L',
    format('SELECT %I.unaccent(%L::regdictionary, $1)', v_schema, v_schema || '.unaccent'));
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.search_text(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.search_text(text) TO foyer_team, foyer_client, foyer_system;
--> statement-breakpoint
-- What each kind is found by, kept by the database: titles weigh more than bodies. A file's name
-- is also read with its dots, dashes and underscores as spaces (`brand_guide-v2.pdf`).
ALTER TABLE app.threads ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, app.search_text(coalesce(title, ''))), 'A')) STORED;
--> statement-breakpoint
ALTER TABLE app.messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, app.search_text(body)), 'B')) STORED;
--> statement-breakpoint
ALTER TABLE app.tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, app.search_text(title)), 'A')
  || setweight(to_tsvector('english'::regconfig, app.search_text(coalesce(description, ''))), 'B')) STORED;
--> statement-breakpoint
ALTER TABLE app.files ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, app.search_text(name || ' ' || translate(name, '._-', '   '))), 'A')) STORED;
--> statement-breakpoint
ALTER TABLE app.invoices ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, coalesce(number, '')), 'A')
  || setweight(to_tsvector('english'::regconfig, app.search_text(buyer_name)), 'B')) STORED;
--> statement-breakpoint
-- One index per kind on (tenant, words): btree_gin lets a search stay inside its tenant.
CREATE INDEX threads_search_idx ON app.threads USING gin (tenant_id, search);
--> statement-breakpoint
CREATE INDEX messages_search_idx ON app.messages USING gin (tenant_id, search);
--> statement-breakpoint
CREATE INDEX tasks_search_idx ON app.tasks USING gin (tenant_id, search);
--> statement-breakpoint
CREATE INDEX files_search_idx ON app.files USING gin (tenant_id, search);
--> statement-breakpoint
CREATE INDEX invoices_search_idx ON app.invoices USING gin (tenant_id, search);
--> statement-breakpoint
GRANT SELECT ON app.threads, app.messages, app.tasks, app.files, app.invoices, app.users,
  app.notifications, app.notification_preferences, app.email_summaries TO foyer_system;
--> statement-breakpoint
GRANT SELECT ON platform.tenants, platform.presence TO foyer_system;
--> statement-breakpoint
-- What a search matches in one tenant, by kind, best first: ids and ranks only, at most p_limit
-- of each kind. Row-level security cannot use a full-text index (`@@` is not leakproof, so it is
-- checked after the policies, row by row), so the index is searched here and the server then
-- reads the candidates as the person searching, whose policies decide what they see
-- (docs/adr/0021). Kinds: conversation (a conversation's subject), message (in a conversation),
-- comment (on a task), task, file (by name) and invoice (by number and client).
CREATE OR REPLACE FUNCTION app_system.search_candidates(p_tenant_id uuid, p_query text, p_kinds text[], p_limit integer)
RETURNS TABLE (kind text, id uuid, rank real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  WITH q AS (
    SELECT websearch_to_tsquery('english'::regconfig, app.search_text(p_query)) AS q
  )
  (SELECT 'conversation', t.id, ts_rank(t.search, q.q)
   FROM app.threads t, q
   WHERE 'conversation' = ANY (p_kinds) AND t.tenant_id = p_tenant_id AND t.search @@ q.q AND t.kind <> 'task'
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
  UNION ALL
  (SELECT 'message', m.id, ts_rank(m.search, q.q)
   FROM app.messages m JOIN app.threads t ON t.tenant_id = m.tenant_id AND t.id = m.thread_id, q
   WHERE 'message' = ANY (p_kinds) AND m.tenant_id = p_tenant_id AND m.search @@ q.q
     AND m.deleted_at IS NULL AND t.kind <> 'task'
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
  UNION ALL
  (SELECT 'comment', m.id, ts_rank(m.search, q.q)
   FROM app.messages m JOIN app.threads t ON t.tenant_id = m.tenant_id AND t.id = m.thread_id, q
   WHERE 'comment' = ANY (p_kinds) AND m.tenant_id = p_tenant_id AND m.search @@ q.q
     AND m.deleted_at IS NULL AND t.kind = 'task'
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
  UNION ALL
  (SELECT 'task', k.id, ts_rank(k.search, q.q)
   FROM app.tasks k, q
   WHERE 'task' = ANY (p_kinds) AND k.tenant_id = p_tenant_id AND k.search @@ q.q
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
  UNION ALL
  (SELECT 'file', f.id, ts_rank(f.search, q.q)
   FROM app.files f, q
   WHERE 'file' = ANY (p_kinds) AND f.tenant_id = p_tenant_id AND f.search @@ q.q
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
  UNION ALL
  (SELECT 'invoice', i.id, ts_rank(i.search, q.q)
   FROM app.invoices i, q
   WHERE 'invoice' = ANY (p_kinds) AND i.tenant_id = p_tenant_id AND i.search @@ q.q
   ORDER BY 3 DESC LIMIT least(greatest(p_limit, 1), 5000))
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.search_candidates(uuid, text, text[], integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.search_candidates(uuid, text, text[], integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.search_candidates(uuid, text, text[], integer) TO foyer_login;

--> statement-breakpoint
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

--> statement-breakpoint
-- People owed their summary email, across tenants: active people in active workspaces whose
-- summary (their choice, else p_default) is daily or weekly and whose current period began after
-- the last one went out (or after they joined). A period begins at p_hour o'clock in the
-- person's time zone (UTC when they have none or an unknown one), each day or each Monday.
-- The job claims each person's period as that person before it sends, so two workers send one.
-- p_tenant_ids, when given, narrows the list to those tenants (tests sharing one database).
CREATE OR REPLACE FUNCTION app_system.summaries_due(p_now timestamptz, p_default text, p_hour integer, p_limit integer, p_tenant_ids uuid[])
RETURNS TABLE (tenant_id uuid, tenant_slug text, user_id uuid, role text, client_id uuid, frequency text, period_start timestamptz, time_zone text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  WITH zones AS MATERIALIZED (
    SELECT z.name FROM pg_catalog.pg_timezone_names z
  ), people AS (
    SELECT u.tenant_id, t.slug, u.id AS user_id, u.role, u.client_id, u.created_at,
      coalesce(es.frequency, p_default) AS frequency, es.last_sent_at,
      coalesce((SELECT z.name FROM zones z WHERE z.name = u.time_zone), 'UTC') AS zone
    FROM app.users u
      JOIN platform.tenants t ON t.id = u.tenant_id
      LEFT JOIN app.email_summaries es ON es.tenant_id = u.tenant_id AND es.user_id = u.id
    WHERE u.status = 'active' AND t.status = 'active'
      AND coalesce(es.frequency, p_default) IN ('daily', 'weekly')
      AND (p_tenant_ids IS NULL OR u.tenant_id = ANY (p_tenant_ids))
  ), periods AS (
    SELECT p.*,
      (date_trunc(CASE WHEN p.frequency = 'daily' THEN 'day' ELSE 'week' END,
         (p_now AT TIME ZONE p.zone) - make_interval(hours => least(greatest(p_hour, 0), 23)))
        + make_interval(hours => least(greatest(p_hour, 0), 23))) AT TIME ZONE p.zone AS period_start
    FROM people p
  )
  SELECT p.tenant_id, p.slug, p.user_id, p.role, p.client_id, p.frequency, p.period_start, p.zone
  FROM periods p
  WHERE coalesce(p.last_sent_at, p.created_at) < p.period_start
  ORDER BY p.period_start, p.tenant_id, p.user_id
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.summaries_due(timestamp with time zone, text, integer, integer, uuid[]) TO foyer_login;
