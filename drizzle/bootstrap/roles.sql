-- Runs as a superuser before every migration run. Roles are cluster-wide, so everything here is
-- idempotent: a second database on the same server, or a second run, changes nothing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'foyer_owner') THEN
    CREATE ROLE foyer_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'foyer_login') THEN
    CREATE ROLE foyer_login LOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'foyer_team') THEN
    CREATE ROLE foyer_team NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'foyer_client') THEN
    CREATE ROLE foyer_client NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'foyer_system') THEN
    CREATE ROLE foyer_system NOLOGIN BYPASSRLS;
  END IF;
END
$$;

-- Re-assert the attributes every time, so a hand-edited role is put back.
ALTER ROLE foyer_owner NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
ALTER ROLE foyer_login LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
ALTER ROLE foyer_team NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
ALTER ROLE foyer_client NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
ALTER ROLE foyer_system NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEROLE NOCREATEDB;

-- foyer_login may switch to the runtime roles inside a transaction; NOINHERIT means the
-- membership grants nothing until it does.
GRANT foyer_team TO foyer_login;
GRANT foyer_client TO foyer_login;
-- The owner hands app_system functions to foyer_system and may replace them later.
GRANT foyer_system TO foyer_owner;

DO $$
BEGIN
  EXECUTE format('GRANT CREATE, CONNECT ON DATABASE %I TO foyer_owner', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO foyer_login', current_database());
  -- Runtime roles get no scratch space of their own: no temporary tables.
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
