export type { ConversationKind, MessageItem, PersonChip } from './common';
export { CONVERSATION_KINDS, MESSAGE_MAX_LENGTH, REACTIONS } from './common';
export { purgeLiveEvents } from './live-events';
export type { Candidate, ConversationSummary, ConversationView } from './read';
export {
  CONVERSATIONS_LISTED,
  conversationCandidates,
  getConversation,
  getMessage,
  listConversations,
  MESSAGES_PER_PAGE,
  unreadConversations,
} from './read';
export {
  addParticipants,
  deleteMessage,
  editMessage,
  markThreadRead,
  postMessage,
  removeParticipant,
  renameConversation,
  startConversation,
  toggleReaction,
  typingAs,
} from './write';
