/** Up to two letters for a person's avatar: first and last word, e.g. "Nora Whitfield" → "NW". */
export function initialsFor(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (first === undefined) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letters = [first, last].map((word) => (word ? Array.from(word)[0] : '')).join('');
  return letters.toLocaleUpperCase();
}
