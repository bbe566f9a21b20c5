import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, rowsOf, sql, withActor } from '@foyer/db';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Browsers and addresses of a demo client's past visits (documentation address ranges). */
const VISITS = [
  {
    ip: '203.0.113.24',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  },
  {
    ip: '198.51.100.61',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  },
];

/** Days ago of each demo visit, oldest first; the second one starts with a mistyped password. */
const VISIT_DAYS = [13, 10, 7, 4, 2];

export interface DemoVisitor {
  id: string;
  email: string;
  clientId: string;
}

/**
 * A fortnight of past visits for a demo client, so that a fresh demo's Activity page has
 * something to show: sign-ins (one after a refused attempt), sessions that ended (signed out or
 * expired), downloads of their shared files and a look at an invoice, each in the client's own
 * name as their policies allow. Only for a tenant just created: a second apply adds nothing.
 */
export async function applyDemoActivity(
  handle: DatabaseHandle,
  tenantId: string,
  who: DemoVisitor,
): Promise<void> {
  const client = { kind: 'client', tenantId, userId: who.id, clientId: who.clientId } as const;
  const visitor = { kind: 'visitor', tenantId } as const;
  const now = Date.now();
  await withActor(handle.db, client, async (tx) => {
    const files = await rowsOf<{ id: string; name: string; project_id: string }>(
      await tx.execute(
        sql`select id::text as id, name, project_id::text as project_id from app.files
             where client_visible and project_id is not null order by created_at limit 3`,
      ),
    );
    const invoices = await rowsOf<{ id: string; number: string }>(
      await tx.execute(
        sql`select id::text as id, number from app.invoices order by issued_at desc nulls last limit 1`,
      ),
    );
    let lastSeen: Date | null = null;
    for (const [index, daysAgo] of VISIT_DAYS.entries()) {
      const visit = VISITS[index % VISITS.length] ?? VISITS[0];
      if (!visit) continue;
      const start = new Date(now - daysAgo * DAY_MS - (index * 37 + 95) * MINUTE_MS);
      const end = new Date(start.getTime() + (18 + index * 11) * MINUTE_MS);
      const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE_MS);
      const entry = (verb: string, when: Date, subject: { type: string; id: string } | null, data = {}) =>
        tx.execute(
          sql`insert into app.activity (tenant_id, at, actor_kind, actor_id, verb, subject_type, subject_id, ip, user_agent, data)
              values (${tenantId}::uuid, ${when.toISOString()}::timestamptz, 'client', ${who.id}::uuid, ${verb}, ${subject?.type ?? null},
                      ${subject?.id ?? null}::uuid, ${visit.ip}::inet, ${visit.userAgent}, ${JSON.stringify(data)}::jsonb)`,
        );
      // The session, already over: its history row is written by the database's triggers.
      const sessionId = randomBytes(32).toString('hex');
      await tx.execute(
        sql`insert into app.sessions (tenant_id, id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
            values (${tenantId}::uuid, ${sessionId}, ${who.id}::uuid, ${start.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, ${end.toISOString()}::timestamptz, ${visit.ip}, ${visit.userAgent})`,
      );
      const signedOut = index % 2 === 0;
      await tx.execute(
        sql`select set_config('app.session_end', ${signedOut ? 'signed_out' : 'expired'}, true)`,
      );
      await tx.execute(sql`delete from app.sessions where id = ${sessionId}`);
      await entry('auth.sign_in', start, { type: 'user', id: who.id });
      const file = files[index % Math.max(1, files.length)];
      if (file)
        await entry('file.downloaded', at(4), { type: 'file', id: file.id }, { name: file.name, version: 1 });
      const invoice = invoices[0];
      if (invoice && index % 2 === 1)
        await entry(
          'invoice.viewed_again',
          at(9),
          { type: 'invoice', id: invoice.id },
          {
            number: invoice.number,
            by: who.id,
          },
        );
      if (signedOut) await entry('auth.sign_out', end, { type: 'user', id: who.id });
      lastSeen = end;
    }
    if (lastSeen)
      await tx.execute(
        sql`update app.users set last_seen_at = ${lastSeen.toISOString()}::timestamptz where id = ${who.id}::uuid`,
      );
  });
  // A mistyped password before the second visit, recorded as the visitor it was.
  const second = VISIT_DAYS[1];
  if (second !== undefined) {
    await withActor(handle.db, visitor, (tx) =>
      tx.execute(
        sql`insert into app.activity (tenant_id, at, actor_kind, verb, ip, user_agent, data)
            values (${tenantId}::uuid, ${new Date(now - second * DAY_MS - (37 + 95 + 2) * MINUTE_MS).toISOString()}::timestamptz, 'visitor',
                    'auth.sign_in_failed', ${VISITS[1]?.ip ?? null}::inet, ${VISITS[1]?.userAgent ?? null},
                    ${JSON.stringify({ email: who.email, reason: 'credentials' })}::jsonb)`,
      ),
    );
  }
}
