import type { SqlRunner } from './databases';

/**
 * The tenant wall, read from the catalog. Nothing here names a table: whatever relations exist in
 * the schema are checked, so a table added later is covered without touching the tests.
 */

/** Tables (plain and partitioned) of `schema`, by name. */
export async function tablesIn(run: SqlRunner, schema = 'app'): Promise<string[]> {
  const rows = await run<{ name: string }>(
    `select c.relname::text as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p')
      order by c.relname`,
    [schema],
  );
  return rows.map((row) => row.name);
}

export interface ColumnInfo {
  name: string;
  type: string;
}

/** The columns an INSERT may name, in attribute order (no generated, identity-always or dropped ones). */
export async function insertableColumns(
  run: SqlRunner,
  schema: string,
  table: string,
): Promise<ColumnInfo[]> {
  return run<{ name: string; type: string }>(
    `select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
        and a.attgenerated = '' and a.attidentity <> 'a'
      order by a.attnum`,
    [schema, table],
  );
}

/**
 * The tables of `schema` ordered so that every table comes before the tables it references
 * (children first): the order in which a tenant's rows can be deleted without FK errors.
 */
export async function tablesChildrenFirst(run: SqlRunner, schema = 'app'): Promise<string[]> {
  const tables = await tablesIn(run, schema);
  const edges = await run<{ child: string; parent: string }>(
    `select c.relname::text as child, p.relname::text as parent
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_class p on p.oid = k.confrelid
       join pg_namespace pn on pn.oid = p.relnamespace
      where k.contype = 'f' and n.nspname = $1 and pn.nspname = $1 and c.oid <> p.oid`,
    [schema],
  );
  const ordered: string[] = [];
  const remaining = new Set(tables);
  while (remaining.size > 0) {
    // A table may go once no remaining table references it.
    const ready = [...remaining].filter(
      (table) => !edges.some((edge) => edge.parent === table && remaining.has(edge.child)),
    );
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...remaining].join(', ')}`);
    for (const table of ready) {
      ordered.push(table);
      remaining.delete(table);
    }
  }
  return ordered;
}

interface RelationRow extends Record<string, unknown> {
  name: string;
  kind: string;
  rls: boolean;
  forced: boolean;
  options: string[] | null;
  tenant_type: string | null;
  tenant_not_null: boolean | null;
  /** Policy commands (`r`, `a`, `w`, `d`) that neither runtime role holds the privilege for. */
  ungranted: string[] | null;
}

interface PolicyRow extends Record<string, unknown> {
  table: string;
  policy: string;
  cmd: string;
  using_expr: string | null;
  check_expr: string | null;
}

interface KeyRow extends Record<string, unknown> {
  table: string;
  name: string;
  type: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
}

interface IndexRow extends Record<string, unknown> {
  table: string;
  index: string;
  first_column: string | null;
}

const commandNames: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** Problems with one policy expression, as printed by pg_get_expr. */
export function policyExpressionProblems(expression: string): string[] {
  const problems: string[] = [];
  const reads = count(expression, /current_setting\(/gi);
  // `( SELECT (NULLIF(current_setting(…` — evaluated once per statement, not once per row.
  const wrapped = count(expression, /\(\s*SELECT\s+(?:\(\s*|NULLIF\(\s*)*current_setting\(/gi);
  if (wrapped < reads) problems.push('calls current_setting outside a (select …) wrapper');
  const tenantReads = count(expression, /current_setting\('app\.tenant_id'/gi);
  const failClosed = count(
    expression,
    /NULLIF\(\s*current_setting\('app\.tenant_id'::text,\s*true\),\s*''::text\s*\)/gi,
  );
  if (failClosed < tenantReads) {
    problems.push(`reads app.tenant_id without nullif(current_setting('app.tenant_id', true), '')`);
  }
  if (tenantReads === 0) problems.push('is not bounded by app.tenant_id');
  return problems;
}

/**
 * Every way the relations of `schema` break the tenant wall, one line per problem; empty when
 * the wall holds. See ARCHITECTURE.md "Isolation is enforced by Postgres, twice".
 */
export async function tenantWallViolations(run: SqlRunner, schema = 'app'): Promise<string[]> {
  // One at a time: PGlite's superuser door is a single session that steps up and down per call.
  const relations = await run<RelationRow>(
    `select c.relname::text as name, c.relkind::text as kind,
              c.relrowsecurity as rls, c.relforcerowsecurity as forced,
              -- Commands no runtime role may run need no policy, on a table the runtime roles do use
              -- (an append-only log); a table nobody was granted anything on is judged in full.
              case when exists (select 1 from pg_roles r where r.rolname in ('foyer_team', 'foyer_client')
                                  and has_table_privilege(r.oid, c.oid, 'SELECT, INSERT'))
              then array(select cmd from (values ('r', 'SELECT'), ('a', 'INSERT'), ('w', 'UPDATE'), ('d', 'DELETE')) v(cmd, privilege)
                     where not exists (select 1 from pg_roles r
                                        where r.rolname in ('foyer_team', 'foyer_client')
                                          and has_table_privilege(r.oid, c.oid, v.privilege)))
              end as ungranted,
              c.reloptions::text[] as options,
              format_type(a.atttypid, a.atttypmod) as tenant_type, a.attnotnull as tenant_not_null
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_attribute a
           on a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped
        where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f')
        order by c.relname`,
    [schema],
  );
  const policies = await run<PolicyRow>(
    `select c.relname::text as table, p.polname::text as policy, p.polcmd::text as cmd,
              pg_get_expr(p.polqual, p.polrelid) as using_expr,
              pg_get_expr(p.polwithcheck, p.polrelid) as check_expr
         from pg_policy p
         join pg_class c on c.oid = p.polrelid
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1
        order by c.relname, p.polname`,
    [schema],
  );
  const keys = await run<KeyRow>(
    `select c.relname::text as table, k.conname::text as name, k.contype::text as type,
              array(select a.attname::text
                      from unnest(k.conkey) with ordinality as u(attnum, ord)
                      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum
                     order by u.ord) as columns,
              fn.nspname::text as ref_schema, fc.relname::text as ref_table,
              case when k.contype = 'f' then
                array(select a.attname::text
                        from unnest(k.confkey) with ordinality as u(attnum, ord)
                        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum
                       order by u.ord)
              end as ref_columns
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_class fc on fc.oid = k.confrelid
         left join pg_namespace fn on fn.oid = fc.relnamespace
        where n.nspname = $1 and k.contype in ('p', 'f')
        order by c.relname, k.conname`,
    [schema],
  );
  const indexes = await run<IndexRow>(
    `select c.relname::text as table, ic.relname::text as index,
              (select a.attname::text from pg_attribute a
                where a.attrelid = c.oid and a.attnum = i.indkey[0]) as first_column
         from pg_index i
         join pg_class c on c.oid = i.indrelid
         join pg_class ic on ic.oid = i.indexrelid
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and not i.indisprimary -- primary keys are checked above
        order by c.relname, ic.relname`,
    [schema],
  );

  const violations: string[] = [];
  for (const relation of relations) {
    const name = `${schema}.${relation.name}`;
    const report = (problem: string) => violations.push(`${name}: ${problem}`);

    if (relation.kind === 'v') {
      // A view runs with its owner's rights unless security_invoker: it would bypass the wall.
      const invoker = (relation.options ?? []).some((option) =>
        /^security_invoker=(true|on|yes|1)$/i.test(option),
      );
      if (!invoker) report('view is not security_invoker');
      continue;
    }
    if (relation.kind === 'm') {
      report('materialized view (RLS does not apply to it)');
      continue;
    }
    if (relation.kind === 'f') {
      report('foreign table in a tenant schema');
      continue;
    }

    if (relation.tenant_type === null) report('has no tenant_id column');
    else {
      if (relation.tenant_type !== 'uuid') report(`tenant_id is ${relation.tenant_type}, not uuid`);
      if (!relation.tenant_not_null) report('tenant_id is nullable');
    }
    if (!relation.rls) report('row level security is not enabled');
    if (!relation.forced) report('row level security is not forced');

    const own = policies.filter((policy) => policy.table === relation.name);
    for (const [cmd, command] of Object.entries(commandNames)) {
      if (relation.ungranted?.includes(cmd)) continue;
      if (!own.some((policy) => policy.cmd === cmd || policy.cmd === '*')) report(`no policy for ${command}`);
    }
    for (const policy of own) {
      const label = `policy ${policy.policy}`;
      if (['a', 'w', '*'].includes(policy.cmd) && policy.check_expr === null)
        report(`${label} has no WITH CHECK`);
      if (['r', 'w', 'd', '*'].includes(policy.cmd) && policy.using_expr === null)
        report(`${label} has no USING`);
      for (const expression of [policy.using_expr, policy.check_expr]) {
        if (expression === null) continue;
        for (const problem of policyExpressionProblems(expression)) report(`${label} ${problem}`);
      }
    }

    const tableKeys = keys.filter((key) => key.table === relation.name);
    const primary = tableKeys.find((key) => key.type === 'p');
    if (!primary) report('has no primary key');
    else if (primary.columns[0] !== 'tenant_id') {
      report(`primary key ${primary.name} (${primary.columns.join(', ')}) does not start with tenant_id`);
    }
    for (const key of tableKeys) {
      if (key.type !== 'f' || key.ref_schema !== schema) continue;
      const at = key.columns.indexOf('tenant_id');
      if (at < 0 || key.ref_columns?.[at] !== 'tenant_id') {
        report(
          `foreign key ${key.name} (${key.columns.join(', ')}) -> ${key.ref_table} ` +
            `(${(key.ref_columns ?? []).join(', ')}) does not carry tenant_id to tenant_id`,
        );
      }
    }

    for (const index of indexes.filter((row) => row.table === relation.name)) {
      if (index.first_column !== 'tenant_id') report(`index ${index.index} does not lead with tenant_id`);
    }
  }
  return violations;
}
