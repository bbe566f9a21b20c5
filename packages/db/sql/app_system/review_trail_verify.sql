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
