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
