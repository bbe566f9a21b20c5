import { describe, expect, it } from 'vitest';
import { hasWords, isFiltered, readSearchQuery, searchHref } from './search';

const read = (search: string) => readSearchQuery(new URLSearchParams(search));

describe('readSearchQuery', () => {
  it('reads every field of a search', () => {
    expect(read('q=logo+draft&kind=file&project=p1&person=u1&from=2026-01-01&to=2026-02-01&page=3')).toEqual({
      q: 'logo draft',
      kind: 'file',
      project: 'p1',
      person: 'u1',
      from: '2026-01-01',
      to: '2026-02-01',
      page: 3,
    });
  });

  it('keeps words and filters as typed, for the verb to judge, but drops an unknown kind and a bad page', () => {
    const query = read(`q=${'x'.repeat(300)}&kind=secrets&project=not-an-id&page=-2`);
    expect(query.q).toHaveLength(300);
    expect(query.kind).toBeNull();
    expect(query.project).toBe('not-an-id');
    expect(query.page).toBe(1);
    expect(read('page=1.5').page).toBe(1);
    expect(read('page=abc').page).toBe(1);
  });
});

describe('searchHref', () => {
  const query = read('q=logo&kind=task&project=p1&page=2');

  it('keeps every filter and leaves out what is empty and page 1', () => {
    expect(searchHref('/search', query)).toBe('/search?q=logo&kind=task&project=p1&page=2');
    expect(searchHref('/search', query, { page: 1 })).toBe('/search?q=logo&kind=task&project=p1');
    expect(searchHref('/admin/search', query, { kind: null, page: 3 })).toBe(
      '/admin/search?q=logo&project=p1&page=3',
    );
    expect(searchHref('/search', read(''))).toBe('/search');
  });

  it('encodes what was typed', () => {
    expect(searchHref('/search', read(''), { q: '"a phrase" & -x' })).toBe('/search?q=%22a+phrase%22+%26+-x');
  });
});

describe('isFiltered and hasWords', () => {
  it('counts project, person and dates as filters, not the kind', () => {
    expect(isFiltered(read('q=a&kind=file'))).toBe(false);
    expect(isFiltered(read('q=a&from=2026-01-01'))).toBe(true);
    expect(isFiltered(read('q=a&person=u1'))).toBe(true);
  });

  it('takes spaces alone for no search', () => {
    expect(hasWords(read('q=+++'))).toBe(false);
    expect(hasWords(read('q=a'))).toBe(true);
  });
});
