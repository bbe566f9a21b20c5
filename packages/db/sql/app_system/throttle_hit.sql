-- Fixed-window throttle: counts one hit on `p_key` and says whether it is within `p_limit`.
CREATE OR REPLACE FUNCTION app_system.throttle_hit(p_key text, p_limit integer, p_window_seconds integer)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = ''
AS $$
  INSERT INTO platform.throttle AS t (key, window_start, hits) VALUES (p_key, now(), 1)
  ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN t.window_start <= now() - make_interval(secs => p_window_seconds)
                        THEN now() ELSE t.window_start END,
    hits = CASE WHEN t.window_start <= now() - make_interval(secs => p_window_seconds)
                THEN 1 ELSE t.hits + 1 END
  RETURNING hits <= p_limit
$$;
--> statement-breakpoint
ALTER FUNCTION app_system.throttle_hit(text,integer,integer) OWNER TO foyer_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_system.throttle_hit(text,integer,integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_system.throttle_hit(text,integer,integer) TO foyer_login;
