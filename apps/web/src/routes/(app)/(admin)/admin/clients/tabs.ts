/** The Clients page's lists: everyone, and those with something waiting since they last came. */
export const CLIENT_TABS = [
  { href: '/admin/clients', label: 'All clients' },
  { href: '/admin/clients/nudges', label: 'Needs a nudge' },
] as const;
