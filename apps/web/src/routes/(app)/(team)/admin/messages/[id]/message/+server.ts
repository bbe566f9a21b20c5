import { messageJson } from '$lib/server/conversation-actions';
import type { RequestHandler } from './$types';

/** One message of the conversation, as JSON, for the page's live updates (`?message=<id>`). */
export const GET: RequestHandler = (event) => messageJson(event);
