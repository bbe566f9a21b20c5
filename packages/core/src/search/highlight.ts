import type { Highlighted } from './types';

/**
 * Marks the words of a text that a search matched. The database matched stems without accents
 * (`launches` and `Launch` both as `launch`, `Café` as `cafe`); here each word, lower-cased and
 * stripped of accents, matches a stem it starts with, or one that starts with all but its last
 * letter (`happy` for `happi`). Returns the text in pieces: nothing is HTML, so a page shows the
 * pieces as text and marks the hits itself.
 */
export function highlight(text: string, lexemes: readonly string[]): Highlighted[] {
  if (text === '') return [];
  const stems = lexemes.filter((lexeme) => lexeme.length > 0);
  const pieces: Highlighted[] = [];
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    if (!matches(match[0], stems)) continue;
    const start = match.index ?? 0;
    if (start > last) push(pieces, text.slice(last, start), false);
    push(pieces, match[0], true);
    last = start + match[0].length;
  }
  if (last < text.length) push(pieces, text.slice(last), false);
  return pieces;
}

/** How much of a long text a hit shows around its first match, in characters. */
export const SNIPPET_BEFORE = 60;
export const SNIPPET_LENGTH = 220;

/**
 * A passage of `text` around its first matched word (the start when none matched), on one line,
 * cut at word boundaries with an ellipsis where it was cut, then highlighted.
 */
export function snippet(text: string, lexemes: readonly string[]): Highlighted[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_LENGTH) return highlight(flat, lexemes);
  let first = 0;
  for (const match of flat.matchAll(WORD)) {
    if (matches(match[0], lexemes)) {
      first = match.index ?? 0;
      break;
    }
  }
  let start = Math.max(0, first - SNIPPET_BEFORE);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + SNIPPET_LENGTH);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    end = space > first ? space : end;
  }
  const passage = `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
  return highlight(passage, lexemes);
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

const plain = (word: string) =>
  word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '');

function matches(word: string, stems: readonly string[]): boolean {
  const folded = plain(word);
  return stems.some((stem) =>
    stem.length < 3
      ? folded === stem
      : folded.startsWith(stem) || (folded.length >= 4 && stem.startsWith(folded.slice(0, -1))),
  );
}

function push(pieces: Highlighted[], text: string, hit: boolean): void {
  const previous = pieces.at(-1);
  if (previous && previous.hit === hit) previous.text += text;
  else pieces.push({ text, hit });
}
