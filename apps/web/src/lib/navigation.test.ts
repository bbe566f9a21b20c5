import { describe, expect, it } from 'vitest';
import { isCurrent, navFor, SETTINGS } from './navigation';

describe('navFor', () => {
  it('links Clients, Invoices, Team and Settings for admins only; Projects, My tasks and Reviews for the team', () => {
    expect(navFor('admin').map((i) => i.label)).toEqual([
      'Dashboard',
      'Projects',
      'My tasks',
      'Messages',
      'Reviews',
      'Clients',
      'Invoices',
      'Team',
      'Settings',
      'Account',
    ]);
    expect(navFor('admin').find((i) => i.label === 'Settings')?.href).toBe('/admin/settings/branding');
    expect(navFor('staff').map((i) => i.label)).toEqual([
      'Dashboard',
      'Projects',
      'My tasks',
      'Messages',
      'Reviews',
      'Account',
    ]);
    expect(navFor('staff').find((i) => i.label === 'Reviews')?.href).toBe('/admin/reviews');
    expect(navFor('client').map((i) => i.href)).not.toContain('/admin');
    // A client's areas follow their permissions.
    expect(navFor('client', { invoices: false, messages: false }).map((i) => i.label)).toEqual([
      'Home',
      'Account',
    ]);
    expect(navFor('client', { invoices: true, messages: false }).map((i) => i.label)).toEqual([
      'Home',
      'Invoices',
      'Account',
    ]);
    expect(navFor('client', { invoices: false, messages: true }).map((i) => i.label)).toEqual([
      'Home',
      'Messages',
      'Account',
    ]);
    // Messages carries the unread count, for the team and for clients.
    expect(navFor('staff', null, 3).find((i) => i.label === 'Messages')?.count).toBe(3);
    expect(
      navFor('client', { invoices: false, messages: true }, 2).find((i) => i.href === '/messages')?.count,
    ).toBe(2);
    expect(navFor('staff').map((i) => i.href)).not.toContain('/admin/settings/branding');
    expect(navFor('staff').map((i) => i.href)).not.toContain('/admin/settings/board');
    expect(navFor('staff').map((i) => i.href)).not.toContain('/admin/invoices');
    // Every settings page is a tab under Settings.
    expect(SETTINGS.map((i) => i.label)).toEqual([
      'Branding',
      'Email',
      'Domain',
      'Board',
      'Invoicing',
      'Payments',
      'Storage',
      'Security',
    ]);
  });
});

describe('isCurrent', () => {
  it('matches sections by prefix but the dashboard and home exactly', () => {
    expect(isCurrent('/admin/team', '/admin/team')).toBe(true);
    expect(isCurrent('/admin', '/admin/team')).toBe(false);
    expect(isCurrent('/admin', '/admin')).toBe(true);
    expect(isCurrent('/account', '/account/confirm-email')).toBe(true);
    expect(isCurrent('/', '/account')).toBe(false);
    // A task's page lights its section, Projects, not My tasks.
    expect(isCurrent('/admin/tasks', '/admin/tasks')).toBe(true);
    expect(isCurrent('/admin/tasks', '/admin/tasks/00000000-0000-4000-8000-000000000001')).toBe(false);
    expect(isCurrent('/admin/projects', '/admin/tasks/00000000-0000-4000-8000-000000000001')).toBe(true);
    // Settings, which links to the first settings page, stands for all of them.
    expect(isCurrent('/admin/settings/branding', '/admin/settings/email/log')).toBe(true);
    expect(isCurrent('/admin/settings/branding', '/admin/team')).toBe(false);
  });
});
