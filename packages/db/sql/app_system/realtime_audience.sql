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
