/** Who is acting. Every request's database work runs as exactly one of these. */
export type Actor =
  | { kind: 'operator'; operatorId: string }
  | { kind: 'admin' | 'staff'; tenantId: string; userId: string }
  | { kind: 'client'; tenantId: string; userId: string; clientId: string }
  | { kind: 'apikey'; tenantId: string; keyId: string };

export type TenantActor = Exclude<Actor, { kind: 'operator' }>;

/**
 * The worker acting for one tenant (delivering its mail, running its scheduled work): the team
 * role with no user, and only what policies grant `worker` beyond the tenant wall.
 */
export interface WorkerActor {
  kind: 'worker';
  tenantId: string;
}

/**
 * Someone not signed in on a tenant's host, acting only to leave a record (a failed sign-in):
 * the client role with no user, which no policy lets read anything.
 */
export interface VisitorActor {
  kind: 'visitor';
  tenantId: string;
}

/** Anyone `withActor` can act as. */
export type ActingAs = TenantActor | WorkerActor | VisitorActor;
