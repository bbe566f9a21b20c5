/**
 * A percentage as typed ("20", "7.5", "12.25 %") in basis points (20 % is 2000), with at most two
 * decimals and at most `maxBasisPoints`; null for anything else. The whole part has no more
 * digits than the largest percentage allowed (3 for 100 %, 4 for 1000 %).
 */
export function parsePercent(text: string, maxBasisPoints: number): number | null {
  const digits = String(Math.floor(maxBasisPoints / 100)).length;
  const match = new RegExp(`^(\\d{1,${digits}})(?:\\.(\\d{1,2}))?\\s*%?$`).exec(text.trim());
  if (!match) return null;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return basisPoints > maxBasisPoints ? null : basisPoints;
}
