import {
  type Ctx,
  type PortalNav,
  pageChrome,
  portalNav,
  type Theme,
  unreadConversations,
} from '@foyer/core';

/** What the signed-in page chrome shows: the bell's count, the person's theme and time zone, a preview's banner. */
export interface Chrome {
  unread: number;
  /** The person's own theme; null follows the device's choice, then the agency's. */
  personalTheme: Theme | null;
  /** The person's time zone; null follows the browser. */
  timeZone: string | null;
  /** Set while an admin previews the portal as this client. */
  preview: { name: string; companyName: string } | null;
  /** The client's header links beyond Home, by their permissions; null for the team. */
  portalNav: PortalNav | null;
  /** Unread messages over the person's conversations, for the header's Messages link. */
  unreadMessages: number;
}

/**
 * The chrome, in two statements (three for a client, whose header follows their permissions). `ctx` may be a transaction the page opened for its own reads too
 * (the portal's home does), so that the whole page is one transaction.
 */
export async function chromeFor(locals: App.Locals, ctx: Ctx = locals.ctx): Promise<Chrome> {
  const { preview } = locals;
  const chrome = await pageChrome({ ctx });
  // In a preview `me` is the client previewed, so the header links what that client may open.
  const nav = locals.me?.user.role === 'client' ? await portalNav({ ctx }) : null;
  // A client without `messages` has no Messages link, so nothing to count.
  const unreadMessages = nav && !nav.messages ? 0 : await unreadConversations({ ctx });
  return {
    unread: chrome.unread,
    personalTheme: chrome.theme,
    timeZone: chrome.timeZone,
    preview: preview ? { name: preview.name, companyName: preview.companyName } : null,
    portalNav: nav,
    unreadMessages,
  };
}
