import { CLIENT_PERMISSIONS, PERMISSION_INFO, PERMISSION_PRESETS, permissionSummary } from '@foyer/core';

/**
 * What the permission switches need in the browser: the switches, the presets, and the plain-words
 * summary of every combination, so it follows the switches as they move without a request. The
 * summary stays the core's (`permissionSummary`): its distinct lines once, and for each of the
 * 2⁸ combinations (bit i = CLIENT_PERMISSIONS[i]) the indexes of its lines.
 */
export interface PermissionChoices {
  keys: string[];
  info: { key: string; label: string; description: string }[];
  presets: { key: string; label: string; description: string; permissions: string[] }[];
  lines: string[];
  summaries: number[][];
}

let cached: PermissionChoices | null = null;

export function permissionChoices(): PermissionChoices {
  if (cached) return cached;
  const keys = [...CLIENT_PERMISSIONS];
  const lines: string[] = [];
  const index = new Map<string, number>();
  const summaries: number[][] = [];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const chosen = keys.filter((_, i) => mask & (1 << i));
    summaries.push(
      permissionSummary(chosen).map((line) => {
        let at = index.get(line);
        if (at === undefined) {
          at = lines.push(line) - 1;
          index.set(line, at);
        }
        return at;
      }),
    );
  }
  cached = {
    keys,
    info: PERMISSION_INFO.map((p) => ({ key: p.key, label: p.label, description: p.description })),
    presets: PERMISSION_PRESETS.map((p) => ({
      key: p.key,
      label: p.label,
      description: p.description,
      permissions: [...p.permissions],
    })),
    lines,
    summaries,
  };
  return cached;
}
