-- Records the outcome of one claimed row, only if the claim still holds (a worker whose lease ran
-- out cannot overwrite the newer claim). Sent and suppressed rows drop their variables, which may
-- hold single-use links.
CREATE OR REPLACE FUNCTION app_system.outbox_settle(
  p_tenant_id uuid, p_id uuid, p_claim_id uuid, p_outcome text, p_recipient text,
  p_transport text, p_response text, p_error text, p_retry_at timestamptz
)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF p_outcome NOT IN ('sent', 'failed', 'retry', 'suppressed') THEN
    RAISE EXCEPTION 'unknown outcome %', p_outcome USING ERRCODE = '22023';
  END IF;
  UPDATE app.outbox o
     SET status = CASE p_outcome WHEN 'retry' THEN 'queued' ELSE p_outcome END,
         next_attempt_at = CASE WHEN p_outcome = 'retry' THEN coalesce(p_retry_at, now()) ELSE o.next_attempt_at END,
         lease_until = NULL, claim_id = NULL,
         recipient = coalesce(p_recipient, o.recipient),
         transport = coalesce(p_transport, o.transport),
         response = left(p_response, 1000),
         last_error = left(p_error, 1000),
         sent_at = CASE WHEN p_outcome = 'sent' THEN now() ELSE o.sent_at END,
         vars = CASE WHEN p_outcome IN ('sent', 'suppressed') THEN '{}'::jsonb ELSE o.vars END,
         updated_at = now()
   WHERE o.tenant_id = p_tenant_id AND o.id = p_id AND o.claim_id = p_claim_id AND o.status = 'sending';
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.outbox_settle(uuid,uuid,uuid,text,text,text,text,text,timestamp with time zone) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.outbox_settle(uuid,uuid,uuid,text,text,text,text,text,timestamp with time zone) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.outbox_settle(uuid,uuid,uuid,text,text,text,text,text,timestamp with time zone) TO foyer_login;
