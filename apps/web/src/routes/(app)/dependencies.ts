/** What the signed-in layout's load depends on besides the path: the bell's unread count. */
export const UNREAD = 'app:unread';
