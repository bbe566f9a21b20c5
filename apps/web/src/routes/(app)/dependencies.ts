/** What the signed-in layout's load depends on besides the path: the header's unread counts. */
export { HEADER_COUNTS as UNREAD } from '$lib/header-counts';
