import type { SignedInOperator, SignedInUser } from '@foyer/core';
import { error, redirect } from '@sveltejs/kit';
import { homeFor, loginUrl } from './redirects';

/**
 * Who may reach a route. Every route declares exactly one, as a route group in its path
 * (`routes/(app)/(admin)/admin/team`): the group is both what a reader sees and what
 * `hooks.server.ts` enforces, for loads, form actions and endpoints alike (actions run without
 * layout loads, so a guard in a layout would not cover them). The route-access suite drives every
 * route of the built app with each kind of visitor and expects the answer its group promises.
 */
export const ACCESS = [
  /** Anyone, on any host. */
  'public',
  /** Anyone on an agency's host (sign-in, invitations, links from email); 404 on the platform host. */
  'tenant-host',
  /** Anyone on the platform host (sign-up, the operator's sign-in); 404 on agencies' hosts. */
  'platform-host',
  /** A signed-in person of this agency (team or client). */
  'signed-in',
  /** A signed-in client of this agency; the team is sent to its panel. */
  'client',
  /** An agency admin or staff member; clients are sent to their portal. */
  'team',
  /** An agency admin; staff get 404, learning nothing about what exists. */
  'admin',
  /** A signed-in platform operator, on the platform host. */
  'operator',
] as const;

export type Access = (typeof ACCESS)[number];

const GROUP = /\(([a-z-]+)\)/g;

/**
 * The access a route id declares: its one access group. Null when it declares none or more than
 * one (layout groups such as `(app)` are not access groups and are ignored).
 */
export function accessOf(routeId: string): Access | null {
  const declared = [...routeId.matchAll(GROUP)]
    .map((match) => match[1] as Access)
    .filter((group) => (ACCESS as readonly string[]).includes(group));
  return declared.length === 1 ? (declared[0] ?? null) : null;
}

export interface Visitor {
  /** Whether the request is on an agency's host. */
  tenantHost: boolean;
  user: SignedInUser | null;
  operator: SignedInOperator | null;
}

/** Enforces `access` for this visitor: returns when allowed, otherwise throws the answer. */
export function enforce(access: Access, visitor: Visitor, url: URL): void {
  switch (access) {
    case 'public':
      return;
    case 'tenant-host':
      if (!visitor.tenantHost) error(404);
      return;
    case 'platform-host':
      if (visitor.tenantHost) error(404);
      return;
    case 'operator':
      if (visitor.tenantHost) error(404);
      if (visitor.operator === null) redirect(303, '/operator/login');
      return;
  }
  if (!visitor.tenantHost) error(404);
  const user = visitor.user;
  if (user === null) redirect(303, loginUrl(url));
  if (access === 'signed-in') return;
  if (access === 'client') {
    if (user.role !== 'client') redirect(303, homeFor(user.role));
    return;
  }
  if (user.role === 'client') redirect(303, homeFor('client'));
  if (access === 'admin' && user.role !== 'admin') error(404);
}
