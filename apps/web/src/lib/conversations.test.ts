import { describe, expect, it } from 'vitest';
import {
  excerpt,
  insertMention,
  matchPeople,
  mentionAt,
  mentionedIds,
  nearBottom,
  peopleLine,
  typingLine,
} from './conversations';

describe('mentionAt', () => {
  it('finds the mention being typed at the caret', () => {
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('Hi @No', 6)).toEqual({ start: 3, query: 'No' });
    expect(mentionAt('Hi @Nora Gr', 11)).toEqual({ start: 3, query: 'Nora Gr' });
    expect(mentionAt('(@sam', 5)).toEqual({ start: 1, query: 'sam' });
  });

  it('ignores addresses, finished lines and text after the caret', () => {
    expect(mentionAt('mail sam@example.com', 20)).toBeNull();
    expect(mentionAt('@Nora\nthanks', 12)).toBeNull();
    expect(mentionAt('Hi there', 8)).toBeNull();
    expect(mentionAt('@ Nora', 6)).toBeNull();
    expect(mentionAt('Hi @Nora', 2)).toBeNull();
    expect(mentionAt(`@${'x'.repeat(41)}`, 42)).toBeNull();
  });
});

describe('matchPeople', () => {
  const people = [
    { id: '1', name: 'Nora Green' },
    { id: '2', name: 'Sam Noble' },
    { id: '3', name: 'Zoë Adams' },
    { id: '4', name: 'Acme Bakery' },
  ];

  it('puts names starting with the query first, then words, then anywhere', () => {
    expect(matchPeople(people, 'no').map((p) => p.id)).toEqual(['1', '2']);
    expect(matchPeople(people, 'ake').map((p) => p.id)).toEqual(['4']);
    expect(matchPeople(people, 'zoe').map((p) => p.id)).toEqual(['3']);
    expect(matchPeople(people, '').map((p) => p.name)).toEqual([
      'Acme Bakery',
      'Nora Green',
      'Sam Noble',
      'Zoë Adams',
    ]);
    expect(matchPeople(people, '', 2)).toHaveLength(2);
    expect(matchPeople(people, 'xyz')).toEqual([]);
  });
});

describe('insertMention and mentionedIds', () => {
  it('replaces the query with the name and keeps only mentions still in the text', () => {
    expect(insertMention('Hi @No how', 3, 6, 'Nora Green')).toEqual({
      text: 'Hi @Nora Green how',
      caret: 15,
    });
    expect(insertMention('@s', 0, 2, 'Sam')).toEqual({ text: '@Sam ', caret: 5 });
    const picked = [
      { id: '1', name: 'Nora Green' },
      { id: '2', name: 'Sam' },
      { id: '1', name: 'Nora Green' },
    ];
    expect(mentionedIds('Thanks @Nora Green and @Sam', picked)).toEqual(['1', '2']);
    expect(mentionedIds('Thanks @Nora', picked)).toEqual([]);
  });
});

describe('lines', () => {
  it('names people, typists and excerpts readably', () => {
    const people = [
      { id: 'me', name: 'Me' },
      { id: 'a', name: 'Nora' },
      { id: 'b', name: 'Sam' },
      { id: 'c', name: 'Acme Bakery' },
    ];
    expect(peopleLine(people, 'me')).toBe('Nora, Sam and Acme Bakery');
    expect(peopleLine(people.slice(0, 2), 'me')).toBe('Nora');
    expect(peopleLine(people.slice(0, 1), 'me')).toBe('Only you');
    expect(typingLine([])).toBe('');
    expect(typingLine(['Nora'])).toBe('Nora is typing…');
    expect(typingLine(['Nora', 'Sam'])).toBe('Nora and Sam are typing…');
    expect(typingLine(['Nora', 'Sam', 'Ann'])).toBe('3 people are typing…');
    expect(excerpt('  a\n\nb  ')).toBe('a b');
    expect(excerpt('abcdefghij', 5)).toBe('abcd…');
    expect(nearBottom({ scrollTop: 900, scrollHeight: 1000, clientHeight: 60 })).toBe(true);
    expect(nearBottom({ scrollTop: 0, scrollHeight: 1000, clientHeight: 60 })).toBe(false);
  });
});
