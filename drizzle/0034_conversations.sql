CREATE TABLE "app"."message_reactions" (
	"tenant_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"emoji" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_reactions_tenant_id_message_id_user_id_emoji_pk" PRIMARY KEY("tenant_id","message_id","user_id","emoji"),
	CONSTRAINT "message_reactions_emoji_known" CHECK ("app"."message_reactions"."emoji" in ('👍', '❤️', '😄', '🎉', '👀', '✅'))
);
--> statement-breakpoint
ALTER TABLE "app"."message_reactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform"."presence" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presence_tenant_id_user_id_node_id_pk" PRIMARY KEY("tenant_id","user_id","node_id")
);
--> statement-breakpoint
CREATE TABLE "app"."realtime_events" (
	"tenant_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "app"."realtime_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"thread_id" uuid,
	"message_id" uuid,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "realtime_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."realtime_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."thread_participants" (
	"tenant_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"shown_name" text NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_participants_tenant_id_thread_id_user_id_pk" PRIMARY KEY("tenant_id","thread_id","user_id"),
	CONSTRAINT "thread_participants_shown_name_length" CHECK (length("app"."thread_participants"."shown_name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "app"."thread_participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- The conversations the signed-in person takes part in, for the threads' policies: a plain
-- SECURITY INVOKER function, so its query runs under the caller's own policies (their own
-- participant rows) and PostgreSQL's rewriter does not see app.thread_participants inside the
-- threads' policies (whose participant policies read the threads: a subquery would be refused
-- as recursive).
CREATE FUNCTION app.participating_threads()
RETURNS uuid[]
LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT coalesce(array_agg(tp.thread_id), '{}')
  FROM app.thread_participants tp
  WHERE tp.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
    AND tp.user_id = nullif(current_setting('app.user_id', true), '')::uuid
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.participating_threads() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.participating_threads() TO foyer_team, foyer_client;
--> statement-breakpoint
CREATE TABLE "app"."thread_reads" (
	"tenant_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_at" timestamp with time zone,
	"emailed_at" timestamp with time zone,
	CONSTRAINT "thread_reads_tenant_id_user_id_thread_id_pk" PRIMARY KEY("tenant_id","user_id","thread_id")
);
--> statement-breakpoint
ALTER TABLE "app"."thread_reads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."files" ALTER COLUMN "project_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."messages" ADD COLUMN "reply_to_id" uuid;--> statement-breakpoint
ALTER TABLE "app"."messages" ADD COLUMN "mentions" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD COLUMN "title" text;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD COLUMN "people" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD COLUMN "last_message_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "app"."message_reactions" ADD CONSTRAINT "message_reactions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."message_reactions" ADD CONSTRAINT "message_reactions_tenant_id_message_id_messages_tenant_id_id_fk" FOREIGN KEY ("tenant_id","message_id") REFERENCES "app"."messages"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."message_reactions" ADD CONSTRAINT "message_reactions_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."realtime_events" ADD CONSTRAINT "realtime_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_participants" ADD CONSTRAINT "thread_participants_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_participants" ADD CONSTRAINT "thread_participants_tenant_id_thread_id_threads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","thread_id") REFERENCES "app"."threads"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_participants" ADD CONSTRAINT "thread_participants_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_participants" ADD CONSTRAINT "thread_participants_tenant_id_added_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","added_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ("added_by") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_reads" ADD CONSTRAINT "thread_reads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_reads" ADD CONSTRAINT "thread_reads_tenant_id_thread_id_threads_tenant_id_id_fk" FOREIGN KEY ("tenant_id","thread_id") REFERENCES "app"."threads"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."thread_reads" ADD CONSTRAINT "thread_reads_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "app"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "presence_node_idx" ON "platform"."presence" USING btree ("node_id");--> statement-breakpoint
CREATE INDEX "realtime_events_tenant_created_idx" ON "app"."realtime_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "thread_participants_tenant_user_idx" ON "app"."thread_participants" USING btree ("tenant_id","user_id","thread_id");--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_tenant_id_reply_to_id_messages_tenant_id_id_fk" FOREIGN KEY ("tenant_id","reply_to_id") REFERENCES "app"."messages"("tenant_id","id") ON DELETE set null ("reply_to_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."threads" ADD CONSTRAINT "threads_tenant_id_created_by_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "app"."users"("tenant_id","id") ON DELETE set null ("created_by") ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "threads_tenant_project_idx" ON "app"."threads" USING btree ("tenant_id","project_id","last_message_at") WHERE "app"."threads"."kind" = 'project';--> statement-breakpoint
ALTER TABLE "app"."files" ADD CONSTRAINT "files_owner" CHECK ("app"."files"."project_id" is not null or ("app"."files"."message_id" is not null and "app"."files"."folder_id" is null));--> statement-breakpoint
ALTER TABLE "app"."messages" ADD CONSTRAINT "messages_mentions_few" CHECK (cardinality("app"."messages"."mentions") <= 50);--> statement-breakpoint
ALTER TABLE "app"."threads" ADD CONSTRAINT "threads_conversation_shape" CHECK (("app"."threads"."kind" <> 'project' or "app"."threads"."project_id" is not null) and ("app"."threads"."kind" <> 'direct' or "app"."threads"."project_id" is null)
        and ("app"."threads"."kind" = 'task' or length("app"."threads"."title") between 1 and 200));--> statement-breakpoint
CREATE POLICY "message_reactions_team_select" ON "app"."message_reactions" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm));--> statement-breakpoint
CREATE POLICY "message_reactions_team_insert" ON "app"."message_reactions" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm));--> statement-breakpoint
CREATE POLICY "message_reactions_team_update" ON "app"."message_reactions" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm)) WITH CHECK ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm));--> statement-breakpoint
CREATE POLICY "message_reactions_team_delete" ON "app"."message_reactions" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "message_reactions_client_select" ON "app"."message_reactions" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm));--> statement-breakpoint
CREATE POLICY "message_reactions_client_insert" ON "app"."message_reactions" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) and "app"."message_reactions"."message_id" in (select rm.id from app.messages rm join app.threads rt on rt.tenant_id = rm.tenant_id and rt.id = rm.thread_id where rt.kind in ('project', 'direct')));--> statement-breakpoint
CREATE POLICY "message_reactions_client_delete" ON "app"."message_reactions" AS PERMISSIVE FOR DELETE TO "foyer_client" USING ("app"."message_reactions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."message_reactions"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "realtime_events_team_select" ON "app"."realtime_events" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."realtime_events"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case when "app"."realtime_events"."user_id" is not null then "app"."realtime_events"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)
        else "app"."realtime_events"."thread_id" in (select rth.id from app.threads rth) and ("app"."realtime_events"."message_id" is null or "app"."realtime_events"."message_id" in (select rm.id from app.messages rm)) end);--> statement-breakpoint
CREATE POLICY "realtime_events_client_select" ON "app"."realtime_events" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."realtime_events"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case when "app"."realtime_events"."user_id" is not null then "app"."realtime_events"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)
        else "app"."realtime_events"."thread_id" in (select rth.id from app.threads rth) and ("app"."realtime_events"."message_id" is null or "app"."realtime_events"."message_id" in (select rm.id from app.messages rm)) end);--> statement-breakpoint
CREATE POLICY "thread_participants_team_select" ON "app"."thread_participants" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "thread_participants_team_insert" ON "app"."thread_participants" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_participants"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_participants_team_update" ON "app"."thread_participants" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_participants"."thread_id" in (select rth.id from app.threads rth)) WITH CHECK ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_participants"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_participants_team_delete" ON "app"."thread_participants" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_participants"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_participants_client_select" ON "app"."thread_participants" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."thread_participants"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_participants"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "thread_reads_team_select" ON "app"."thread_reads" AS PERMISSIVE FOR SELECT TO "foyer_team" USING ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "thread_reads_team_insert" ON "app"."thread_reads" AS PERMISSIVE FOR INSERT TO "foyer_team" WITH CHECK ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_reads_team_update" ON "app"."thread_reads" AS PERMISSIVE FOR UPDATE TO "foyer_team" USING ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth)) WITH CHECK ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_reads_team_delete" ON "app"."thread_reads" AS PERMISSIVE FOR DELETE TO "foyer_team" USING ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "thread_reads_client_select" ON "app"."thread_reads" AS PERMISSIVE FOR SELECT TO "foyer_client" USING ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "thread_reads_client_insert" ON "app"."thread_reads" AS PERMISSIVE FOR INSERT TO "foyer_client" WITH CHECK ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
CREATE POLICY "thread_reads_client_update" ON "app"."thread_reads" AS PERMISSIVE FOR UPDATE TO "foyer_client" USING ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth)) WITH CHECK ("app"."thread_reads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."thread_reads"."user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and "app"."thread_reads"."thread_id" in (select rth.id from app.threads rth));--> statement-breakpoint
ALTER POLICY "files_team_select" ON "app"."files" TO foyer_team USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm) else ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) end or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "files_team_insert" ON "app"."files" TO foyer_team WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm) else ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) end and "app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
ALTER POLICY "files_team_update" ON "app"."files" TO foyer_team USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm) else ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) end or (select current_setting('app.role', true)) = 'worker')) WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and (case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm) else ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) end or (select current_setting('app.role', true)) = 'worker'));--> statement-breakpoint
ALTER POLICY "files_team_delete" ON "app"."files" TO foyer_team USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm) else ((select current_setting('app.role', true)) = 'admin' or "app"."files"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) end);--> statement-breakpoint
ALTER POLICY "files_client_select" ON "app"."files" TO foyer_client USING ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select rm.id from app.messages rm)
        else "app"."files"."project_id" in (select p.id from app.projects p) and (
        ("app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and (coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) or coalesce((select 'files.download' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)))
        or (coalesce((select 'files.download' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) and (
          ("app"."files"."message_id" is null and "app"."files"."client_visible")
          or "app"."files"."message_id" in (select rm.id from app.messages rm)))) end);--> statement-breakpoint
ALTER POLICY "files_client_insert" ON "app"."files" TO foyer_client WITH CHECK ("app"."files"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."files"."uploaded_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and not "app"."files"."client_visible" and "app"."files"."folder_id" is null
        and cardinality("app"."files"."folder_path") = 0 and "app"."files"."task_id" is null
        and case when "app"."files"."project_id" is null then "app"."files"."message_id" in (select om.id from app.messages om
          join app.threads oth on oth.tenant_id = om.tenant_id and oth.id = om.thread_id
          where om.author_id = (select nullif(current_setting('app.user_id', true), '')::uuid) and om.deleted_at is null and oth.kind = 'direct') and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)
        else ("app"."files"."message_id" is null or "app"."files"."message_id" in (select om.id from app.messages om
          join app.threads oth on oth.tenant_id = om.tenant_id and oth.id = om.thread_id
          where om.author_id = (select nullif(current_setting('app.user_id', true), '')::uuid) and om.deleted_at is null and oth.project_id = "app"."files"."project_id"))
        and "app"."files"."project_id" in (select p.id from app.projects p) and coalesce((select 'files.upload' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false) end);--> statement-breakpoint
ALTER POLICY "messages_team_insert" ON "app"."messages" TO foyer_team WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and ("app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind = 'task')
        or ("app"."messages"."client_visible" and "app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind in ('project', 'direct')))
        or (not "app"."messages"."client_visible" and "app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind = 'internal'))));--> statement-breakpoint
ALTER POLICY "messages_client_insert" ON "app"."messages" TO foyer_client WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and (
        (not "app"."messages"."client_visible" and "app"."messages"."author_name" is null and "app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind = 'task') and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false))
        or ("app"."messages"."client_visible" and "app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind in ('project', 'direct')) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)
          and "app"."messages"."author_name" is not distinct from (select tp.shown_name from app.thread_participants tp where tp.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and tp.thread_id = "app"."messages"."thread_id" and tp.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))));--> statement-breakpoint
ALTER POLICY "messages_client_update" ON "app"."messages" TO foyer_client USING ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and (
        ("app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind = 'task') and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false))
        or ("app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind in ('project', 'direct')) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)))) WITH CHECK ("app"."messages"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and "app"."messages"."author_id" = (select nullif(current_setting('app.user_id', true), '')::uuid) and (
        ("app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind = 'task') and coalesce((select 'tasks.comment' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false))
        or ("app"."messages"."thread_id" in (select rth.id from app.threads rth where rth.kind in ('project', 'direct')) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false))));--> statement-breakpoint
ALTER POLICY "threads_team_select" ON "app"."threads" TO foyer_team USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))
        else "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) or "app"."threads"."id" = any((select app.participating_threads())::uuid[]) end);--> statement-breakpoint
ALTER POLICY "threads_team_insert" ON "app"."threads" TO foyer_team WITH CHECK ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) and "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid)
        else "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) and ("app"."threads"."project_id" is null or ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))) end);--> statement-breakpoint
ALTER POLICY "threads_team_update" ON "app"."threads" TO foyer_team USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))
        else "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) or "app"."threads"."id" = any((select app.participating_threads())::uuid[]) end) WITH CHECK ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid)))
        else "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) or "app"."threads"."id" = any((select app.participating_threads())::uuid[]) end);--> statement-breakpoint
ALTER POLICY "threads_team_delete" ON "app"."threads" TO foyer_team USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."project_id" in (select ps.project_id from app.project_staff ps where ps.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and ps.user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))) and ((select current_setting('app.role', true)) = 'admin' or "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid))
        else "app"."threads"."created_by" = (select nullif(current_setting('app.user_id', true), '')::uuid) end);--> statement-breakpoint
ALTER POLICY "threads_client_select" ON "app"."threads" TO foyer_client USING ("app"."threads"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and case "app"."threads"."kind"
        when 'task' then "app"."threads"."task_id" in (select rt.id from app.tasks rt)
        when 'project' then "app"."threads"."id" = any((select app.participating_threads())::uuid[]) and "app"."threads"."project_id" in (select p.id from app.projects p) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)
        when 'direct' then "app"."threads"."id" = any((select app.participating_threads())::uuid[]) and coalesce((select 'messages' = any(u.permissions) from app.users u where u.tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) and u.id = (select nullif(current_setting('app.user_id', true), '')::uuid) and u.status = 'active'), false)
        else false end);
--> statement-breakpoint
ALTER TABLE app.thread_participants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.thread_reads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.message_reactions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.realtime_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Live events are written by the database's triggers alone; people only read them.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON app.realtime_events FROM foyer_team;
--> statement-breakpoint
GRANT SELECT ON app.thread_participants, app.thread_reads, app.message_reactions, app.realtime_events TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, thread_id, user_id, read_at) ON app.thread_reads TO foyer_client;
--> statement-breakpoint
GRANT UPDATE (read_at) ON app.thread_reads TO foyer_client;
--> statement-breakpoint
GRANT INSERT (tenant_id, message_id, user_id, emoji), DELETE ON app.message_reactions TO foyer_client;
--> statement-breakpoint
-- In conversations a client's message carries the name the agency chose (the policy checks it),
-- is seen by the conversation, may answer another and may mention people.
GRANT INSERT (client_visible, author_name, reply_to_id, mentions) ON app.messages TO foyer_client;
--> statement-breakpoint
GRANT SELECT ON app.thread_participants, app.thread_reads, app.messages, app.users, app.project_clients, app.projects TO foyer_system;
--> statement-breakpoint
GRANT INSERT, UPDATE ON app.thread_reads TO foyer_system;
--> statement-breakpoint
GRANT UPDATE (last_message_at) ON app.threads TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON app.realtime_events TO foyer_system;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON platform.presence TO foyer_system;
--> statement-breakpoint
-- Publishes a change for live streams: one row of app.realtime_events (ids only) and a NOTIFY on
-- `foyer_events`, both in the transaction that made the change, so nothing is announced that did
-- not commit. Each server node reads the event again as each recipient (the events' policies
-- follow the thread's and the message's), so a stream shows what the database would. Fired AFTER
-- a message is posted or changed, a reaction comes or goes, a person joins or leaves a
-- conversation, someone reads a thread (their own streams only) and a notification is written.
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
--> statement-breakpoint
-- Who might see a live event of a thread, for a server node to read it again as each of them:
-- the thread's participants and maker, and for task threads and project discussions the team
-- that reaches the project (admins, the project's staff) and, for task threads, the project's
-- clients. A superset is harmless (each read is under the recipient's own policies); a person
-- left out would miss the event, so this follows the threads' policies.
CREATE OR REPLACE FUNCTION app_system.realtime_audience(p_tenant uuid, p_thread uuid)
RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  WITH th AS (
    SELECT t.kind, t.project_id, t.created_by FROM app.threads t
    WHERE t.tenant_id = p_tenant AND t.id = p_thread
  )
  SELECT coalesce(array_agg(DISTINCT people.user_id), '{}')
  FROM (
    SELECT tp.user_id FROM app.thread_participants tp
    WHERE tp.tenant_id = p_tenant AND tp.thread_id = p_thread
    UNION ALL
    SELECT th.created_by FROM th
    UNION ALL
    SELECT u.id FROM app.users u, th
    WHERE u.tenant_id = p_tenant AND u.role = 'admin' AND th.kind IN ('task', 'project')
    UNION ALL
    SELECT ps.user_id FROM app.project_staff ps, th
    WHERE ps.tenant_id = p_tenant AND ps.project_id = th.project_id AND th.kind IN ('task', 'project')
    UNION ALL
    SELECT pc.user_id FROM app.project_clients pc, th
    WHERE pc.tenant_id = p_tenant AND pc.project_id = th.project_id AND th.kind = 'task'
  ) people
  WHERE people.user_id IS NOT NULL
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.realtime_audience(uuid, uuid) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.realtime_audience(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.realtime_audience(uuid, uuid) TO foyer_login;
--> statement-breakpoint
-- Live events are kept for a day (a reconnecting stream catches up from them); presence rows of
-- nodes that stopped beating for an hour are stale. The scheduled purge deletes both and returns
-- how many events went.
CREATE OR REPLACE FUNCTION app_system.realtime_events_purge()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  DELETE FROM app.realtime_events e WHERE e.created_at < now() - interval '1 day';
  GET DIAGNOSTICS v_count = ROW_COUNT;
  DELETE FROM platform.presence p WHERE p.seen_at < now() - interval '1 hour';
  RETURN v_count;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.realtime_events_purge() OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.realtime_events_purge() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.realtime_events_purge() TO foyer_login;
--> statement-breakpoint
-- A server node's heartbeat: the people (tenant, user pairs) holding a live stream on it now.
-- Their rows are refreshed, and the node's rows for anyone no longer connected go; every node
-- then knows who is reading somewhere (a message emails only people who are not).
CREATE OR REPLACE FUNCTION app_system.presence_beat(p_node text, p_tenants uuid[], p_users uuid[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF cardinality(p_tenants) IS DISTINCT FROM cardinality(p_users) THEN
    RAISE EXCEPTION 'presence_beat: tenants and users differ in length';
  END IF;
  DELETE FROM platform.presence p
  WHERE p.node_id = p_node
    AND (p.tenant_id, p.user_id) NOT IN (SELECT x.t, x.u FROM unnest(p_tenants, p_users) AS x(t, u));
  INSERT INTO platform.presence (tenant_id, user_id, node_id, seen_at)
  SELECT DISTINCT x.t, x.u, p_node, now() FROM unnest(p_tenants, p_users) AS x(t, u)
  ON CONFLICT (tenant_id, user_id, node_id) DO UPDATE SET seen_at = now();
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.presence_beat(text, uuid[], uuid[]) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.presence_beat(text, uuid[], uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.presence_beat(text, uuid[], uuid[]) TO foyer_login;
--> statement-breakpoint
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
--> statement-breakpoint
CREATE TRIGGER messages_realtime AFTER INSERT OR UPDATE ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_system.realtime_publish();
--> statement-breakpoint
CREATE TRIGGER message_reactions_realtime AFTER INSERT OR DELETE ON app.message_reactions
  FOR EACH ROW EXECUTE FUNCTION app_system.realtime_publish();
--> statement-breakpoint
CREATE TRIGGER thread_reads_realtime AFTER INSERT OR UPDATE OF read_at ON app.thread_reads
  FOR EACH ROW EXECUTE FUNCTION app_system.realtime_publish();
--> statement-breakpoint
CREATE TRIGGER thread_participants_realtime AFTER INSERT OR DELETE ON app.thread_participants
  FOR EACH ROW EXECUTE FUNCTION app_system.realtime_publish();
--> statement-breakpoint
CREATE TRIGGER notifications_realtime AFTER INSERT ON app.notifications
  FOR EACH ROW EXECUTE FUNCTION app_system.realtime_publish();
--> statement-breakpoint
CREATE TRIGGER message_posted AFTER INSERT ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_system.message_posted();
--> statement-breakpoint
-- A thread keeps what it is: its kind, project and task decide who reads it, so changing them
-- would move a conversation under other people's eyes. Only its maker can be cleared (their
-- account removed, by the foreign key). A plain (invoker) check.
CREATE FUNCTION app.threads_keep_shape()
RETURNS trigger
LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  IF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.project_id IS DISTINCT FROM OLD.project_id
    OR NEW.task_id IS DISTINCT FROM OLD.task_id
    OR (NEW.created_by IS DISTINCT FROM OLD.created_by AND NEW.created_by IS NOT NULL) THEN
    RAISE EXCEPTION 'a thread keeps its kind, project, task and maker' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.threads_keep_shape() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER threads_keep_shape BEFORE UPDATE ON app.threads
  FOR EACH ROW EXECUTE FUNCTION app.threads_keep_shape();
--> statement-breakpoint
CREATE TRIGGER files_realtime AFTER INSERT ON app.files
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL) EXECUTE FUNCTION app_system.realtime_publish();
