/** Who is acting. Every request's database work runs as exactly one of these. */
export type Actor =
  | { kind: 'operator'; operatorId: string }
  | { kind: 'admin' | 'staff'; tenantId: string; userId: string }
  | { kind: 'client'; tenantId: string; userId: string; clientId: string }
  | { kind: 'apikey'; tenantId: string; keyId: string };

export type TenantActor = Exclude<Actor, { kind: 'operator' }>;
