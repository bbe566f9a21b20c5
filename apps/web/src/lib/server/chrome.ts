import { getProfile, type Theme, unreadCount } from '@foyer/core';

/** What the signed-in page chrome shows: the bell's count, the person's theme and time zone, a preview's banner. */
export interface Chrome {
  unread: number;
  /** The person's own theme; null follows the device's choice, then the agency's. */
  personalTheme: Theme | null;
  /** The person's time zone; null follows the browser. */
  timeZone: string | null;
  /** Set while an admin previews the portal as this client. */
  preview: { name: string; companyName: string } | null;
}

export async function chromeFor(locals: App.Locals): Promise<Chrome> {
  const { ctx, preview } = locals;
  const [unread, profile] = await Promise.all([unreadCount({ ctx }), getProfile({ ctx })]);
  return {
    unread,
    personalTheme: profile.theme,
    timeZone: profile.timeZone,
    preview: preview ? { name: preview.name, companyName: preview.companyName } : null,
  };
}
