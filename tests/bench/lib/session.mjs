// A signed-in person for the floors that need one: an admin of the bench tenant (staff read only
// the companies of their own projects, and F5 reads any of them) and a fresh
// session, made as the superuser before the server announces itself (outside the measurement).
import { generateToken, hashToken } from '@foyer/auth';
import postgres from 'postgres';

/**
 * @param {import('./context.mjs').BenchContext} ctx
 * @returns {Promise<string>} the session token, for the cookie
 */
export async function benchSession(ctx) {
  const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into app.users (tenant_id, id, email, name, role)
      values (${ctx.tenant.id}, ${ctx.userId}, 'bench@bench.example', 'Bench Person', 'admin')
      on conflict do nothing`;
    const token = generateToken();
    await sql`
      insert into app.sessions (tenant_id, id, user_id, expires_at)
      values (${ctx.tenant.id}, ${hashToken(token)}, ${ctx.userId}, now() + interval '30 days')`;
    return token;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
