import { schema, sql } from '@foyer/db';

const { users } = schema;

/** Active (has signed up), invited (no password yet), or deactivated (sign-in refused). */
export type ClientState = 'active' | 'invited' | 'deactivated';
export const CLIENT_STATES: readonly ClientState[] = ['active', 'invited', 'deactivated'];

/** Selected beside `users.status`: whether the person has yet to accept their invitation. */
export const invitedColumn = sql<boolean>`${users.passwordHash} is null`;

/** A client's state from their row's status and whether they are still invited. */
export function clientStateOf(row: { status: string; invited: boolean }): ClientState {
  return row.status === 'deactivated' ? 'deactivated' : row.invited ? 'invited' : 'active';
}

/** The same state computed by the database, for queries that need it as a column. */
export const clientStateColumn = sql<ClientState>`case when ${users.status} = 'deactivated' then 'deactivated' when ${invitedColumn} then 'invited' else 'active' end`;
