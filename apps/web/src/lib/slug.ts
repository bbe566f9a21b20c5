/**
 * A workspace address suggested from an agency name: "Café Nord & Co." → "cafe-nord-co".
 * Only a suggestion; the server's slug rules decide.
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
