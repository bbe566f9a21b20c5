import type { NotificationDelivery, SummaryFrequency } from '@foyer/db';

/** Who an event can reach: the agency's team, its clients, or both. */
export type NotificationAudience = 'team' | 'client' | 'both';

export interface NotificationEventInfo {
  /** The event's key; for events with an email, also the email template's key in @foyer/email. */
  key: string;
  /** How the event is named to people, e.g. on the notification settings page. */
  label: string;
  audience: NotificationAudience;
  /** Whether the event also sends an email, which people may turn off per event. */
  email: boolean;
  /**
   * How its email reaches someone who has not chosen: at once, or in the offline digest of what
   * they missed (new messages, which arrive in bursts). Events without an email: 'instant'.
   */
  defaultDelivery?: NotificationDelivery;
  /** Only the agency's admins hear of it (staff are not offered its choices). */
  adminsOnly?: boolean;
  /**
   * Whether the feature that raises the event exists yet. Choices for events still to come are
   * not shown; each later release sets this for its own events.
   */
  live: boolean;
}

/**
 * Every notification event. Account emails (invitations, verification, reset, email change)
 * always go out and are not listed: they are not notifications and have no preference.
 */
export const NOTIFICATION_EVENTS = [
  { key: 'project-added', label: 'You’re added to a project', audience: 'both', email: true, live: true },
  { key: 'task-assigned', label: 'You’re assigned to a task', audience: 'team', email: true, live: true },
  { key: 'tasks-shared', label: 'Tasks are shared with you', audience: 'client', email: true, live: true },
  {
    key: 'task-comment',
    label: 'A client comments on a task',
    audience: 'team',
    email: true,
    live: true,
  },
  {
    key: 'review-requested',
    label: 'Work is ready for your review',
    audience: 'client',
    email: true,
    live: true,
  },
  { key: 'review-approved', label: 'A client approves work', audience: 'team', email: true, live: true },
  {
    key: 'revisions-requested',
    label: 'A client asks for revisions',
    audience: 'team',
    email: true,
    live: true,
  },
  {
    key: 'message-new',
    label: 'New messages while you’re away',
    audience: 'both',
    email: true,
    live: true,
    defaultDelivery: 'digest',
  },
  { key: 'mention', label: 'Someone mentions you', audience: 'both', email: true, live: true },
  {
    key: 'invoice-sent',
    label: 'A new invoice is sent to you',
    audience: 'client',
    email: true,
    live: true,
  },
  { key: 'payment-received', label: 'A payment is received', audience: 'client', email: true, live: true },
  { key: 'payment-reminder', label: 'An invoice is due soon', audience: 'client', email: true, live: true },
  // Admins hear of an overdue invoice in the bell only (an email choice comes with one to send).
  { key: 'payment-overdue', label: 'An invoice is overdue', audience: 'client', email: true, live: true },
  // Admins hear in the bell of what a payment gateway reports: payments, refunds, disputes.
  {
    key: 'payment-online',
    label: 'A payment gateway reports a payment, refund or dispute',
    audience: 'team',
    email: false,
    live: true,
  },
  { key: 'file-shared', label: 'Files are shared with you', audience: 'client', email: true, live: true },
  // In the bell only: admins hear about it, nobody needs an email for it.
  { key: 'team-joined', label: 'Someone joins the team', audience: 'team', email: false, live: true },
  {
    key: 'domain-unverified',
    label: 'Your custom domain stops working',
    audience: 'team',
    email: false,
    live: true,
  },
  {
    key: 'domain-claim-lapsed',
    label: 'Another portal verifies a domain you claimed',
    audience: 'team',
    email: false,
    live: true,
  },
  // Sign in with Google (issue #19): someone unknown registered as a client, with nothing yet.
  {
    key: 'google-joined',
    label: 'Someone joins as a client with Google',
    audience: 'team',
    email: true,
    adminsOnly: true,
    live: true,
  },
] as const satisfies readonly NotificationEventInfo[];

export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number]['key'];

const byKey = new Map<string, NotificationEventInfo>(NOTIFICATION_EVENTS.map((e) => [e.key, e]));

export function isNotificationEvent(key: string): key is NotificationEvent {
  return byKey.has(key);
}

export function notificationEvent(key: string): NotificationEventInfo | undefined {
  return byKey.get(key);
}

/** Whether people of `role` can receive `event`. */
export function reaches(event: NotificationEventInfo, role: 'admin' | 'staff' | 'client'): boolean {
  if (event.adminsOnly && role !== 'admin') return false;
  if (event.audience === 'both') return true;
  return role === 'client' ? event.audience === 'client' : event.audience === 'team';
}

/** The events whose emails people of `role` can turn on or off, in display order. */
export function emailEventsFor(role: 'admin' | 'staff' | 'client'): NotificationEventInfo[] {
  return NOTIFICATION_EVENTS.filter((e) => e.live && e.email && reaches(e, role));
}

/** How an event's email reaches someone who has not chosen. */
export function defaultDelivery(key: string): NotificationDelivery {
  const event = byKey.get(key);
  return event?.email ? (event.defaultDelivery ?? 'instant') : 'instant';
}

/** The events whose email goes in the digest unless people choose otherwise. */
export const DEFAULT_DIGEST_EVENTS: readonly string[] = NOTIFICATION_EVENTS.filter(
  (e: NotificationEventInfo) => e.email && e.defaultDelivery === 'digest',
).map((e) => e.key);

/** How often people who have not chosen get the summary email. */
export const DEFAULT_SUMMARY: SummaryFrequency = 'weekly';
