import type { PortalNav, SignedInUser } from '@foyer/core';

export interface NavItem {
  href: string;
  label: string;
  /** A count shown beside the label (unread messages); none when 0 or absent. */
  count?: number;
}

/** The admins' settings pages, in the order of their tabs. */
export const SETTINGS = [
  { href: '/admin/settings/branding', label: 'Branding' },
  { href: '/admin/settings/email', label: 'Email' },
  { href: '/admin/settings/domain', label: 'Domain' },
  { href: '/admin/settings/board', label: 'Board' },
  { href: '/admin/settings/invoicing', label: 'Invoicing' },
  { href: '/admin/settings/payments', label: 'Payments' },
  { href: '/admin/settings/storage', label: 'Storage' },
  { href: '/admin/settings/security', label: 'Security' },
] as const;

/**
 * The header's links for a role: nothing is linked that the person cannot open. A client's areas
 * follow their permissions (`areas`, from the page chrome); Messages carries the unread count.
 */
export function navFor(
  role: SignedInUser['role'],
  areas: PortalNav | null = null,
  unreadMessages = 0,
): NavItem[] {
  if (role === 'client') {
    return [
      { href: '/', label: 'Home' },
      ...(areas?.messages ? [{ href: '/messages', label: 'Messages', count: unreadMessages }] : []),
      ...(areas?.invoices ? [{ href: '/invoices', label: 'Invoices' }] : []),
      { href: '/account', label: 'Account' },
    ];
  }
  return [
    { href: '/admin', label: 'Dashboard' },
    { href: '/admin/projects', label: 'Projects' },
    { href: '/admin/tasks', label: 'My tasks' },
    { href: '/admin/messages', label: 'Messages', count: unreadMessages },
    { href: '/admin/reviews', label: 'Reviews' },
    ...(role === 'admin'
      ? [
          { href: '/admin/clients', label: 'Clients' },
          { href: '/admin/invoices', label: 'Invoices' },
          { href: '/admin/team', label: 'Team' },
          // One link to the settings (their first page), which have their own tabs: the header
          // has room for no more at 1280px.
          { href: SETTINGS[0].href, label: 'Settings' },
        ]
      : []),
    { href: '/account', label: 'Account' },
  ];
}

/**
 * Whether a nav link stands for the page at `pathname`: Dashboard only for /admin itself; a task
 * (`/admin/tasks/<id>`) belongs to its project, so it lights Projects rather than My tasks; every
 * settings page lights Settings.
 */
export function isCurrent(href: string, pathname: string): boolean {
  if (href === SETTINGS[0].href) return pathname.startsWith('/admin/settings/');
  if (href === '/' || href === '/admin' || href === '/admin/tasks') return pathname === href;
  if (href === '/admin/projects' && pathname.startsWith('/admin/tasks/')) return true;
  return pathname === href || pathname.startsWith(`${href}/`);
}
