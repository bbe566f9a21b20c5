import type { ConversationKind } from '@foyer/core';

/** How each kind of conversation is named in lists, filters and headings. */
export const KIND_LABELS: Record<ConversationKind, string> = {
  project: 'Project discussion',
  direct: 'Direct message',
  internal: 'Team chat',
};

/** The list's filter tabs, in order: all, then each kind. */
export const KIND_FILTERS: { kind: ConversationKind | null; label: string }[] = [
  { kind: null, label: 'All' },
  { kind: 'project', label: 'Project discussions' },
  { kind: 'direct', label: 'Direct messages' },
  { kind: 'internal', label: 'Team chats' },
];

export function isKind(value: string | null): value is ConversationKind {
  return value === 'project' || value === 'direct' || value === 'internal';
}

/** The people of a conversation as one line: "Nora, Sam and Acme Bakery" (the reader left out). */
export function peopleLine(people: { id: string; name: string }[], me: string | null = null): string {
  const names = people.filter((person) => person.id !== me).map((person) => person.name);
  if (names.length === 0) return 'Only you';
  if (names.length === 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The longest a name being typed after `@` may be before the autocompletion gives up. */
const MENTION_QUERY_MAX = 40;

/**
 * The mention being typed at the caret: the `@` that starts it and what follows it so far, or
 * null. An `@` counts at the start of the text or after whitespace or an opening bracket (so an
 * address such as `sam@example.com` starts none); the query runs to the caret on one line.
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  const query = before.slice(at + 1);
  if (query.length > MENTION_QUERY_MAX || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  const previous = at === 0 ? '' : (before[at - 1] ?? '');
  if (previous !== '' && !/[\s([{"']/.test(previous)) return null;
  return { start: at, query };
}

/**
 * The people whose name matches a mention query: the name or one of its words starts with it
 * (case- and accent-insensitive), the best matches first, at most `limit`.
 */
export function matchPeople<P extends { name: string }>(people: P[], query: string, limit = 6): P[] {
  const fold = (value: string) =>
    value
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
  const wanted = fold(query.trim());
  const scored: { person: P; score: number }[] = [];
  for (const person of people) {
    const name = fold(person.name);
    let score = -1;
    if (wanted === '' || name.startsWith(wanted)) score = 0;
    else if (name.split(/\s+/).some((word) => word.startsWith(wanted))) score = 1;
    else if (name.includes(wanted)) score = 2;
    if (score >= 0) scored.push({ person, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.person.name.localeCompare(b.person.name))
    .slice(0, limit)
    .map((entry) => entry.person);
}

/** `text` with the mention being typed (from `start` to `caret`) replaced by `@Name `, and the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length };
}

/**
 * The ids of the people picked while writing whose `@Name` is still in the text: a mention
 * deleted before sending tells no one.
 */
export function mentionedIds(text: string, picked: { id: string; name: string }[]): string[] {
  const ids = new Set<string>();
  for (const person of picked) if (text.includes(`@${person.name}`)) ids.add(person.id);
  return [...ids];
}

/** One line of a message for a reply's quote or a list: whitespace folded, cut at `max` characters. */
export function excerpt(text: string, max = 140): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Whether the reader is close enough to the bottom of a scroller that new messages should keep them there. */
export function nearBottom(
  scroller: { scrollTop: number; scrollHeight: number; clientHeight: number },
  slack = 80,
): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= slack;
}

/** How long a typing notice stays after the last keystroke event. */
export const TYPING_SHOWN_MS = 4000;
/** How often the composer says it is typing, at most. */
export const TYPING_SENT_EVERY_MS = 2500;

/** "Nora is typing…", "Nora and Sam are typing…", "3 people are typing…". */
export function typingLine(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
