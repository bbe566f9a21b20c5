import { describe, expect, it } from 'vitest';
import { initialsFor } from './initials';

describe('initialsFor', () => {
  it.each([
    ['Nora Whitfield', 'NW'],
    ['  ana  ', 'A'],
    ['Jean-Luc de la Cour', 'JC'],
    ['élodie martin', 'ÉM'],
    ['', '?'],
  ])('%j → %s', (name, expected) => {
    expect(initialsFor(name)).toBe(expected);
  });
});
