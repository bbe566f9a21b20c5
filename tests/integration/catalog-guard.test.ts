import { sql, system, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, required } from '../support/assert';
import { tablesIn, tenantWallViolations } from '../support/catalog';
import {
  drivers,
  inRolledBackSuperuserTransaction,
  openTestDatabase,
  type SqlRunner,
  type TestDatabase,
  txRows,
} from '../support/databases';
import { createTenant, insertTenant } from '../support/tenants';

/**
 * The build fails here when the schema or the roles stop enforcing tenancy: every check reads
 * the catalog, so tables, functions and roles added later are covered without editing this file.
 */

const runtimeRoles = ['foyer_login', 'foyer_team', 'foyer_client'] as const;
const projectRoles = ['foyer_owner', 'foyer_login', 'foyer_team', 'foyer_client', 'foyer_system'] as const;
const projectRoleList = projectRoles.map((role) => `'${role}'`).join(', ');

/** The fail-closed, once-per-statement tenant context, as the policies must spell it. */
const tenantContext = `(select nullif(current_setting('app.tenant_id', true), '')::uuid)`;

/** DDL for a table that keeps every rule of the wall; the defective probes vary one thing. */
function walledTable(name: string, extra = ''): string[] {
  return [
    `create table app.${name} (tenant_id uuid not null, id uuid not null, ref_id uuid,
       primary key (tenant_id, id))`,
    `alter table app.${name} enable row level security`,
    `alter table app.${name} force row level security`,
    `create policy ${name}_all on app.${name} for all to foyer_team
       using (tenant_id = ${tenantContext}) with check (tenant_id = ${tenantContext})`,
    ...(extra ? [extra] : []),
  ];
}

async function runAll(run: SqlRunner, statements: string[]): Promise<void> {
  for (const statement of statements) await run(statement);
}

const only = (violations: string[], table: string) =>
  violations
    .filter((line) => line.startsWith(`app.${table}:`))
    .map((line) => line.slice(`app.${table}: `.length));

interface OwnedRow extends Record<string, unknown> {
  role: string;
  kind: string;
  object: string;
}

describe.each(drivers)('catalog guard on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  describe('tenant wall in the catalog', () => {
    it('holds for every table in schema app', async () => {
      const tables = await tablesIn(t.superuser);
      expect(tables.length).toBeGreaterThan(0);
      expect(await tenantWallViolations(t.superuser)).toEqual([]);
    });

    it('reports a table created without the wall (guard_probe), then rolls it back', async () => {
      const violations = await inRolledBackSuperuserTransaction(t, async (run) => {
        await run('create table app.guard_probe (tenant_id uuid not null, id int)');
        return tenantWallViolations(run);
      });
      expect(only(violations, 'guard_probe')).toEqual([
        'row level security is not enabled',
        'row level security is not forced',
        'no policy for SELECT',
        'no policy for INSERT',
        'no policy for UPDATE',
        'no policy for DELETE',
        'has no primary key',
      ]);
      // Nothing else was reported, and the probe is gone again.
      expect(violations.every((line) => line.startsWith('app.guard_probe:'))).toBe(true);
      expect(await tablesIn(t.superuser)).not.toContain('guard_probe');
    });

    it('reports each rule broken on its own, and nothing for a walled table', async () => {
      const violations = await inRolledBackSuperuserTransaction(t, async (run) => {
        await runAll(run, walledTable('guard_ok'));
        await runAll(run, [
          ...walledTable('guard_not_forced'),
          'alter table app.guard_not_forced no force row level security',
        ]);
        await runAll(run, [
          `create table app.guard_partial (tenant_id uuid not null, id uuid not null,
             primary key (tenant_id, id))`,
          'alter table app.guard_partial enable row level security',
          'alter table app.guard_partial force row level security',
          `create policy guard_partial_insert on app.guard_partial for insert to foyer_team
             with check (tenant_id = ${tenantContext})`,
        ]);
        await runAll(run, [
          `create table app.guard_unwrapped (tenant_id uuid not null, id uuid not null,
             primary key (tenant_id, id))`,
          'alter table app.guard_unwrapped enable row level security',
          'alter table app.guard_unwrapped force row level security',
          `create policy guard_unwrapped_all on app.guard_unwrapped for all to foyer_team
             using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
             with check (tenant_id = ${tenantContext})`,
        ]);
        await runAll(run, [
          `create table app.guard_fail_open (tenant_id uuid not null, id uuid not null,
             primary key (tenant_id, id))`,
          'alter table app.guard_fail_open enable row level security',
          'alter table app.guard_fail_open force row level security',
          `create policy guard_fail_open_all on app.guard_fail_open for all to foyer_team
             using (tenant_id = (select current_setting('app.tenant_id')::uuid))
             with check (tenant_id = ${tenantContext})`,
        ]);
        await runAll(run, [
          `create table app.guard_unbounded (tenant_id uuid not null, id uuid not null,
             primary key (tenant_id, id))`,
          'alter table app.guard_unbounded enable row level security',
          'alter table app.guard_unbounded force row level security',
          `create policy guard_unbounded_all on app.guard_unbounded for all to foyer_team
             using (tenant_id = ${tenantContext}) with check (tenant_id = ${tenantContext})`,
          `create policy guard_unbounded_peek on app.guard_unbounded for select to foyer_team using (true)`,
        ]);
        await runAll(run, [
          `create table app.guard_no_check (tenant_id uuid not null, id uuid not null,
             primary key (tenant_id, id))`,
          'alter table app.guard_no_check enable row level security',
          'alter table app.guard_no_check force row level security',
          `create policy guard_no_check_all on app.guard_no_check for all to foyer_team
             using (tenant_id = ${tenantContext})`,
        ]);
        await runAll(run, [
          `create table app.guard_pk (tenant_id uuid not null, id uuid not null, primary key (id, tenant_id))`,
          'alter table app.guard_pk enable row level security',
          'alter table app.guard_pk force row level security',
          `create policy guard_pk_all on app.guard_pk for all to foyer_team
             using (tenant_id = ${tenantContext}) with check (tenant_id = ${tenantContext})`,
        ]);
        // References guard_ok's key with the columns crossed: tenant_id lands on id.
        await runAll(
          run,
          walledTable(
            'guard_fk',
            `alter table app.guard_fk add constraint guard_fk_crossed
               foreign key (tenant_id, ref_id) references app.guard_ok (id, tenant_id)`,
          ),
        );
        await runAll(run, walledTable('guard_index', 'create index guard_index_id on app.guard_index (id)'));
        await runAll(run, [
          'create table app.guard_no_tenant (id uuid primary key)',
          'alter table app.guard_no_tenant enable row level security',
          'alter table app.guard_no_tenant force row level security',
          `create policy guard_no_tenant_all on app.guard_no_tenant for all to foyer_team
             using (id = ${tenantContext}) with check (id = ${tenantContext})`,
        ]);
        await run('create view app.guard_view as select tenant_id, id from app.guard_ok');
        await run(
          'create view app.guard_view_invoker with (security_invoker = true) as select tenant_id, id from app.guard_ok',
        );
        return tenantWallViolations(run);
      });

      expect(only(violations, 'guard_ok')).toEqual([]);
      expect(only(violations, 'guard_view_invoker')).toEqual([]);
      expect(only(violations, 'guard_not_forced')).toEqual(['row level security is not forced']);
      expect(only(violations, 'guard_partial')).toEqual([
        'no policy for SELECT',
        'no policy for UPDATE',
        'no policy for DELETE',
      ]);
      expect(only(violations, 'guard_unwrapped')).toEqual([
        'policy guard_unwrapped_all calls current_setting outside a (select …) wrapper',
      ]);
      expect(only(violations, 'guard_fail_open')).toEqual([
        "policy guard_fail_open_all reads app.tenant_id without nullif(current_setting('app.tenant_id', true), '')",
      ]);
      expect(only(violations, 'guard_unbounded')).toEqual([
        'policy guard_unbounded_peek is not bounded by app.tenant_id',
      ]);
      expect(only(violations, 'guard_no_check')).toEqual(['policy guard_no_check_all has no WITH CHECK']);
      expect(only(violations, 'guard_pk')).toEqual([
        'primary key guard_pk_pkey (id, tenant_id) does not start with tenant_id',
      ]);
      expect(only(violations, 'guard_fk')).toEqual([
        'foreign key guard_fk_crossed (tenant_id, ref_id) -> guard_ok (id, tenant_id) does not carry tenant_id to tenant_id',
      ]);
      expect(only(violations, 'guard_index')).toEqual(['index guard_index_id does not lead with tenant_id']);
      expect(only(violations, 'guard_no_tenant')).toEqual([
        'has no tenant_id column',
        'primary key guard_no_tenant_pkey (id) does not start with tenant_id',
      ]);
      expect(only(violations, 'guard_view')).toEqual(['view is not security_invoker']);
      // The real tables stayed clean throughout.
      expect(violations.filter((line) => !line.startsWith('app.guard_'))).toEqual([]);
      expect((await tablesIn(t.superuser)).filter((name) => name.startsWith('guard_'))).toEqual([]);
    });
  });

  describe('roles', () => {
    it('foyer_login is a NOINHERIT login with no special attributes', async () => {
      const roles = await t.superuser<{
        name: string;
        login: boolean;
        inherit: boolean;
        superuser: boolean;
        bypassrls: boolean;
        createrole: boolean;
        createdb: boolean;
      }>(
        `select rolname::text as name, rolcanlogin as login, rolinherit as inherit, rolsuper as superuser,
                rolbypassrls as bypassrls, rolcreaterole as createrole, rolcreatedb as createdb
           from pg_roles where rolname in (${projectRoleList}) order by rolname`,
      );
      const byName = new Map(roles.map((role) => [role.name, role]));
      expect([...byName.keys()].sort()).toEqual([...projectRoles].sort());
      expect(byName.get('foyer_login')).toMatchObject({
        login: true,
        inherit: false,
        superuser: false,
        bypassrls: false,
        createrole: false,
        createdb: false,
      });
      for (const name of ['foyer_team', 'foyer_client'] as const) {
        expect(byName.get(name), name).toMatchObject({ login: false, superuser: false, bypassrls: false });
      }
      expect(byName.get('foyer_system')).toMatchObject({ login: false, superuser: false, bypassrls: true });
      // Nothing of the project bypasses RLS except foyer_system, and nothing is a superuser.
      expect(roles.filter((role) => role.bypassrls || role.superuser).map((role) => role.name)).toEqual([
        'foyer_system',
      ]);
    });

    it('foyer_login can switch to foyer_team and foyer_client only', async () => {
      const reachable = await t.superuser<{ name: string }>(
        `select rolname::text as name from pg_roles
          where rolname <> 'foyer_login' and pg_has_role('foyer_login', oid, 'MEMBER')
          order by rolname`,
      );
      expect(reachable.map((role) => role.name)).toEqual(['foyer_client', 'foyer_team']);
      const granted = await t.superuser<{ role: string; name: string }>(
        `select m.rolname::text as role, r.rolname::text as name from pg_roles m join pg_roles r
            on r.oid <> m.oid and pg_has_role(m.oid, r.oid, 'MEMBER')
          where m.rolname in ('foyer_team', 'foyer_client', 'foyer_system')`,
      );
      expect(granted).toEqual([]);

      // Behaviourally, on the runtime handle: the runtime roles are reachable, nothing else is.
      const switchTo = (role: string) =>
        t.handle.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('role', ${role}, true)`);
          const [row] = await txRows<{ user: string }>(tx, sql`select current_user::text as user`);
          return row?.user;
        });
      await expect(switchTo('foyer_team')).resolves.toBe('foyer_team');
      await expect(switchTo('foyer_client')).resolves.toBe('foyer_client');
      for (const role of ['foyer_system', 'foyer_owner', 'postgres']) {
        await expectPermissionDenied(switchTo(role), new RegExp(`permission denied to set role "${role}"`));
      }
    });

    it('runtime roles own nothing; foyer_system owns only the app_system functions', async () => {
      const owned = await t.superuser<OwnedRow>(
        `select r.rolname::text as role, o.kind, o.object
           from (
             select c.relowner as owner, 'relation' as kind, n.nspname || '.' || c.relname as object
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
             union all
             select n.nspowner, 'schema', n.nspname::text from pg_namespace n
             union all
             select p.proowner, 'function', p.oid::regprocedure::text from pg_proc p
             union all
             select ty.typowner, 'type', ty.oid::regtype::text from pg_type ty
             union all
             select d.refobjid, 'owned', pg_describe_object(d.classid, d.objid, d.objsubid)
               from pg_shdepend d
              where d.deptype = 'o'
                and d.dbid in (0, (select oid from pg_database where datname = current_database()))
           ) o
           join pg_roles r on r.oid = o.owner
          where r.rolname in (${projectRoleList})
          order by 1, 2, 3`,
      );
      for (const role of runtimeRoles) {
        expect(
          owned.filter((row) => row.role === role),
          role,
        ).toEqual([]);
      }

      const systemOwned = owned.filter((row) => row.role === 'foyer_system');
      const stray = systemOwned.filter(
        (row) =>
          !(
            (row.kind === 'function' && row.object.startsWith('app_system.')) ||
            (row.kind === 'owned' && row.object.startsWith('function app_system.'))
          ),
      );
      expect(stray).toEqual([]);
      const functions = await t.superuser<{ fn: string }>(
        `select p.oid::regprocedure::text as fn from pg_proc p
           join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'app_system' order by 1`,
      );
      expect(functions.length).toBeGreaterThan(0);
      expect(systemOwned.filter((row) => row.kind === 'function').map((row) => row.object)).toEqual(
        functions.map((row) => row.fn),
      );

      // The same query does see ownership: the migration owner holds every app table.
      const ownerRelations = owned
        .filter((row) => row.role === 'foyer_owner' && row.kind === 'relation')
        .map((row) => row.object);
      for (const table of await tablesIn(t.superuser)) expect(ownerRelations).toContain(`app.${table}`);
    });

    it('foyer_login holds no privilege on any table; foyer_team has exactly DML on app tables', async () => {
      const privileges = await t.superuser<{
        role: string;
        schema: string;
        table: string;
        select: boolean;
        insert: boolean;
        update: boolean;
        delete: boolean;
        other: boolean;
        columns: boolean;
      }>(
        `select r.rolname::text as role, n.nspname::text as schema, c.relname::text as table,
                has_table_privilege(r.oid, c.oid, 'SELECT') as select,
                has_table_privilege(r.oid, c.oid, 'INSERT') as insert,
                has_table_privilege(r.oid, c.oid, 'UPDATE') as update,
                has_table_privilege(r.oid, c.oid, 'DELETE') as delete,
                -- TRUNCATE ignores RLS; REFERENCES and TRIGGER are never needed at run time.
                has_table_privilege(r.oid, c.oid, 'TRUNCATE, REFERENCES, TRIGGER') as other,
                has_any_column_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES') as columns
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           cross join pg_roles r
          where n.nspname in ('app', 'platform', 'app_system')
            and c.relkind in ('r', 'p', 'v', 'm', 'f')
            and r.rolname in ('foyer_login', 'foyer_team', 'foyer_client')
          order by 1, 2, 3`,
      );
      const held = (row: (typeof privileges)[number]) =>
        row.select || row.insert || row.update || row.delete || row.other || row.columns;

      const login = privileges.filter((row) => row.role === 'foyer_login');
      expect(login.length).toBeGreaterThan(0);
      expect(login.filter(held).map((row) => `${row.schema}.${row.table}`)).toEqual([]);

      expect(
        privileges
          .filter((row) => row.schema !== 'app' && held(row))
          .map((row) => `${row.role} ${row.table}`),
      ).toEqual([]);
      expect(privileges.filter((row) => row.other).map((row) => `${row.role} ${row.table}`)).toEqual([]);

      const team = privileges.filter((row) => row.role === 'foyer_team' && row.schema === 'app');
      expect(team.map((row) => row.table)).toEqual(await tablesIn(t.superuser));
      // The activity log and the client feed are append-only: rows are added and read, never
      // changed or removed (a project's feed goes with the project, by its foreign key). So is a
      // task's review trail and the reminders it sent: history nobody rewrites (issue #14). So are
      // the reminders sent for an invoice (issue #15).
      const appendOnly = [
        'activity',
        'gateway_events',
        'invoice_reminders',
        'project_feed',
        'review_entries',
        'review_reminders',
      ];
      // Messages are changed (edited, shared, marked deleted) but never removed: a deleted
      // comment leaves its marker; a task's removal takes its thread, by the foreign key.
      const kept = ['messages'];
      // A sign-in waiting for its second factor is made and used up (deleted), never changed.
      const neverChanged = ['pending_sign_ins'];
      // Storage usage is kept by the database (a trigger) on every file change, and live events
      // are written by the database's triggers: the team reads both. So is the session history
      // (issue #19), kept by triggers on app.sessions; admins read it.
      const readOnly = ['realtime_events', 'session_log', 'storage_usage'];
      for (const row of team) {
        if (readOnly.includes(row.table)) {
          expect(row, row.table).toMatchObject({ select: true, insert: false, update: false, delete: false });
          continue;
        }
        const rewritable = !appendOnly.includes(row.table);
        expect(row, row.table).toMatchObject({
          select: true,
          insert: true,
          update: rewritable && !neverChanged.includes(row.table),
          delete: rewritable && !kept.includes(row.table),
        });
      }
    });

    it('no runtime role may create anything in any schema', async () => {
      const creatable = await t.superuser<{ role: string; schema: string }>(
        `select r.rolname::text as role, n.nspname::text as schema
           from pg_namespace n cross join pg_roles r
          where r.rolname in ('foyer_login', 'foyer_team', 'foyer_client', 'foyer_system')
            and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
            and has_schema_privilege(r.oid, n.oid, 'CREATE')
          order by 1, 2`,
      );
      // foyer_system needs CREATE on app_system to own its functions there, and nowhere else.
      expect(creatable).toEqual([{ role: 'foyer_system', schema: 'app_system' }]);
    });

    it('every app_system function is SECURITY DEFINER, owned by foyer_system, pinned and private', async () => {
      const functions = await t.superuser<{
        fn: string;
        definer: boolean;
        owner: string;
        config: string[];
        grantees: string[];
        login_execute: boolean;
        team_execute: boolean;
      }>(
        `select p.oid::regprocedure::text as fn, p.prosecdef as definer,
                pg_get_userbyid(p.proowner)::text as owner,
                coalesce(p.proconfig, '{}')::text[] as config,
                array(select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee)::text end
                        from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       where a.privilege_type = 'EXECUTE'
                       order by 1) as grantees,
                has_function_privilege('foyer_login', p.oid, 'EXECUTE') as login_execute,
                has_function_privilege('foyer_team', p.oid, 'EXECUTE') as team_execute
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = 'app_system'
          order by 1`,
      );
      const names = functions.map((row) => row.fn);
      expect(names).toEqual(
        expect.arrayContaining([
          'app_system.tenant_for_host(text,text)',
          'app_system.tenant_logo(uuid)',
          'app_system.login_lookup(uuid,text)',
          'app_system.sign_in(uuid,text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer)',
          'app_system.complete_two_factor(uuid,text,timestamp with time zone,bigint,text,text,timestamp with time zone,text,text)',
          'app_system.operator_login_lookup(text)',
          'app_system.operator_sign_in(text,text,text,timestamp with time zone,text,text,text,timestamp with time zone,integer)',
          'app_system.throttle_purge(integer)',
        ]),
      );
      // Provisioning belongs to the superuser connection, and no session is minted without a
      // password check inside the database (issue #9): these are gone for good.
      expect(names).not.toContain('app_system.ensure_tenant(text,text)');
      expect(names.filter((fn) => fn.startsWith('app_system.operator_session_create('))).toEqual([]);
      for (const row of functions) {
        expect(row, row.fn).toMatchObject({ definer: true, owner: 'foyer_system', login_execute: true });
        expect(row.config, row.fn).toContain('search_path=""');
        expect(row.grantees, row.fn).not.toContain('PUBLIC');
        expect(row.grantees, row.fn).toEqual(['foyer_login', 'foyer_system']);
        expect(row.team_execute, row.fn).toBe(false);
      }
    });

    it('nothing outside app_system is SECURITY DEFINER', async () => {
      const definers = await t.superuser<{ fn: string }>(
        `select p.oid::regprocedure::text as fn
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.prosecdef and n.nspname not in ('app_system', 'pg_catalog', 'information_schema')
          order by 1`,
      );
      expect(definers).toEqual([]);
      // The same query finds the ones that are.
      const inSystem = await t.superuser<{ fn: string }>(
        `select p.oid::regprocedure::text as fn
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.prosecdef and n.nspname = 'app_system'`,
      );
      expect(inSystem.length).toBeGreaterThan(0);
    });
  });

  describe('runtime roles and platform', () => {
    it('have no USAGE on schema platform; foyer_system has', async () => {
      const usage = await t.superuser<{ role: string; platform: boolean; app: boolean; system: boolean }>(
        `select r.rolname::text as role,
                has_schema_privilege(r.oid, 'platform', 'USAGE') as platform,
                has_schema_privilege(r.oid, 'app', 'USAGE') as app,
                has_schema_privilege(r.oid, 'app_system', 'USAGE') as system
           from pg_roles r
          where r.rolname in ('foyer_login', 'foyer_team', 'foyer_client', 'foyer_system')
          order by 1`,
      );
      expect(usage).toEqual([
        { role: 'foyer_client', platform: false, app: true, system: false },
        { role: 'foyer_login', platform: false, app: false, system: true },
        { role: 'foyer_system', platform: true, app: true, system: true },
        { role: 'foyer_team', platform: false, app: true, system: false },
      ]);
    });

    it('foyer_login reads platform.tenants neither alone nor as an admin actor', async () => {
      const tenant = await insertTenant(t);
      await expectPermissionDenied(
        t.handle.rows(sql`select * from platform.tenants`),
        /permission denied for schema platform/,
      );
      const admin = { kind: 'admin', tenantId: tenant.id, userId: crypto.randomUUID() } as const;
      await expectPermissionDenied(
        withActor(t.handle.db, admin, (tx) => tx.execute(sql`select * from platform.tenants`)),
        /permission denied for schema platform/,
      );
      await expectPermissionDenied(
        withActor(t.handle.db, admin, (tx) => tx.execute(sql`select * from platform.domains`)),
        /permission denied for schema platform/,
      );
      // The one door that does read it: an app_system function, as foyer_login.
      const found = await system.tenants.forHost(t.handle, { slug: tenant.slug });
      expect(found?.tenantId).toBe(tenant.id);
    });

    it('no runtime role reads the Google hand-offs, alone or as any actor (issue #19)', async () => {
      const tenant = await insertTenant(t);
      const admin = { kind: 'admin', tenantId: tenant.id, userId: crypto.randomUUID() } as const;
      const client = { ...admin, kind: 'client', clientId: crypto.randomUUID() } as const;
      await expectPermissionDenied(
        t.handle.rows(sql`select * from platform.google_handoffs`),
        /permission denied for schema platform/,
      );
      for (const actor of [admin, client]) {
        await expectPermissionDenied(
          withActor(t.handle.db, actor, (tx) => tx.execute(sql`select * from platform.google_handoffs`)),
          /permission denied for schema platform/,
        );
      }
    });
  });

  describe('foyer_login by itself', () => {
    it('reads nothing outside withActor; the same read works inside', async () => {
      const tenant = await createTenant(t);
      await expectPermissionDenied(
        t.handle.rows(sql`select * from app.users`),
        /permission denied for schema app/,
      );
      const [row] = await withActor(t.handle.db, tenant.admin, (tx) =>
        txRows<{ users: number }>(tx, sql`select count(*)::int as users from app.users`),
      );
      expect(required(row, 'a count').users).toBe(2);
    });

    // On PGlite too: openPglite steps the session user down to foyer_login, so RESET ROLE lands
    // there and not on the superuser PGlite connected as.
    it('reads nothing after RESET ROLE inside a transaction', async () => {
      const tenant = await createTenant(t);
      const [who] = await withActor(t.handle.db, tenant.admin, async (tx) => {
        await tx.execute(sql`reset role`);
        return txRows<{ user: string }>(tx, sql`select current_user::text as user`);
      });
      expect(required(who, 'a row').user).toBe('foyer_login');
      await expectPermissionDenied(
        withActor(t.handle.db, tenant.admin, async (tx) => {
          await tx.execute(sql`select count(*) from app.users`);
          await tx.execute(sql`reset role`);
          return tx.execute(sql`select * from app.users`);
        }),
        /permission denied for schema app/,
      );
      await expectPermissionDenied(
        t.handle.db.transaction(async (tx) => {
          await tx.execute(sql`reset role`);
          return tx.execute(sql`select * from app.users`);
        }),
        /permission denied for schema app/,
      );
    });
  });
});
