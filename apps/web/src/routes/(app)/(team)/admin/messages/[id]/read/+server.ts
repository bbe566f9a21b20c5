import { markReadJson } from '$lib/server/conversation-actions';
import type { RequestHandler } from './$types';

/** Marks the conversation read: the page saw new messages arrive while in view. */
export const POST: RequestHandler = (event) => markReadJson(event);
