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
