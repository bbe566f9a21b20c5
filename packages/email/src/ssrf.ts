import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { normaliseHostname } from '@foyer/names';

/** Resolves a name to every address it has, like `dns.promises.lookup(host, { all: true })`. */
export type HostLookup = (host: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: HostLookup = (host) => dns.lookup(host, { all: true, verbatim: true });

type Range = [network: string, prefix: number];

/** Address ranges an agency's SMTP host may not resolve to, by the words used to explain why. */
const RANGES: [kind: string, v4: Range[], v6: Range[]][] = [
  ['loopback', [['127.0.0.0', 8]], [['::1', 128]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
    [['fc00::', 7]],
  ],
  ['link-local', [['169.254.0.0', 16]], [['fe80::', 10]]],
  ['shared (carrier-grade NAT)', [['100.64.0.0', 10]], []],
  ['multicast', [['224.0.0.0', 4]], [['ff00::', 8]]],
  [
    'reserved',
    [
      ['0.0.0.0', 8],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
    ],
    [
      ['::', 128],
      ['::', 96], // IPv4-compatible (deprecated)
      ['100::', 64], // discard
      ['2001:db8::', 32], // documentation
      ['64:ff9b:1::', 48], // local-use NAT64
    ],
  ],
];

const LISTS = RANGES.map(([kind, v4, v6]) => {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return { kind, list };
});

/** The IPv4 address an IPv6 address stands for, if it carries one (mapped, NAT64, 6to4). */
function embeddedIPv4(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIPv6(address);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  // ::ffff:a.b.c.d written in hex, and the well-known NAT64 prefix 64:ff9b::/96.
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6] ?? 0, groups[7] ?? 0);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6] ?? 0, groups[7] ?? 0);
  // 6to4: 2002:AABB:CCDD::/48 reaches AA.BB.CC.DD.
  if (groups[0] === 0x2002) return v4(groups[1] ?? 0, groups[2] ?? 0);
  return null;
}

function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return null;
  const groups = [...left, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Which kind of non-public address this is ('private', 'loopback', …), or null for a public one. */
export function nonPublicKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { kind, list } of LISTS) if (list.check(address, type)) return kind;
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4) return nonPublicKind(v4);
  }
  return null;
}

/** The host as it will be looked up: IP literals as they are, names by the one hostname rule. */
export function normaliseHost(host: string): string | null {
  const trimmed = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(trimmed)) return trimmed;
  return normaliseHostname(trimmed);
}

export type HostCheck =
  | { ok: true; host: string; addresses: string[] }
  | { ok: false; temporary: boolean; message: string };

/** Resolves an SMTP host and decides whether the platform may connect to it. */
export async function resolveSmtpHost(
  host: string,
  { allowPrivate, lookup = systemLookup }: { allowPrivate: boolean; lookup?: HostLookup },
): Promise<HostCheck> {
  const name = normaliseHost(host);
  if (!name) return { ok: false, temporary: false, message: `"${host}" is not a valid host name.` };
  let addresses: string[];
  if (isIP(name)) {
    addresses = [name];
  } else {
    if (!allowPrivate && (name === 'localhost' || name.endsWith('.localhost'))) {
      return {
        ok: false,
        temporary: false,
        message: 'This host is this server itself; use a public mail server.',
      };
    }
    try {
      addresses = (await lookup(name)).map((entry) => entry.address);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        ok: false,
        temporary: true,
        message: `This host could not be found${typeof code === 'string' ? ` (${code})` : ''}.`,
      };
    }
    if (addresses.length === 0) return { ok: false, temporary: true, message: 'This host has no address.' };
  }
  if (!allowPrivate) {
    for (const address of addresses) {
      const kind = nonPublicKind(address);
      if (kind) {
        return {
          ok: false,
          temporary: false,
          message: `This host resolves to a ${kind} address (${address}); use a public mail server.`,
        };
      }
    }
  }
  return { ok: true, host: name, addresses };
}

/**
 * Refuses SMTP hosts the platform must not connect to (SSRF): invalid names, and names that
 * resolve to loopback, private, link-local, shared, unique-local, multicast or reserved
 * addresses, including IPv4-mapped forms. Returns null when the host is acceptable, or a
 * sentence for the agency's settings page.
 */
export async function checkSmtpHost(
  host: string,
  options: { allowPrivate: boolean; lookup?: HostLookup },
): Promise<string | null> {
  const result = await resolveSmtpHost(host, options);
  return result.ok ? null : result.message;
}
