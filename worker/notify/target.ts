// Whether Tocsin may call a URL on a user's behalf (webhooks, Teams, Discord, push endpoints): not on
// a private, loopback or link-local address, unless TOCSIN_ALLOW_PRIVATE_TARGETS says so. Only the
// literal host is checked — a Worker has no resolver to ask before its fetch, so a name that resolves
// to a private address (DNS rebinding) is not caught here; Cloudflare's egress reaches no private
// network but through a tunnel.

const PRIVATE_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.home\.arpa$/];

/** [first address, prefix length] of every IPv4 range that is not the public internet. */
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
];

const v4 = (address: string) => address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const inRange = (address: number, [start, bits]: [string, number]) =>
  Math.floor(address / 2 ** (32 - bits)) === Math.floor(v4(start) / 2 ** (32 - bits));

function privateV4(host: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return false;
  const address = v4(host);
  return PRIVATE_V4.some((range) => inRange(address, range));
}

function privateV6(host: string): boolean {
  if (!host.startsWith('[')) return false;
  const address = host.slice(1, -1).toLowerCase();
  if (address === '::' || address === '::1') return true;
  // IPv4-mapped, as the URL parser writes it: ::ffff:7f00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const n = parseInt(mapped[1]!, 16) * 65536 + parseInt(mapped[2]!, 16);
    return PRIVATE_V4.some((range) => inRange(n, range));
  }
  return /^(f[cd]|fe[89ab]|ff)/.test(address);
}

/** Why this URL may not be called, or null when it may. */
export function refusedTarget(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the target is not a URL';
  }
  if (parsed.protocol !== 'https:' && !(allowPrivate && parsed.protocol === 'http:')) {
    return `the target must be https, not ${parsed.protocol.replace(':', '')}`;
  }
  if (allowPrivate) return null;
  if (parsed.username || parsed.password) return 'the target may not carry credentials in its URL';
  // The URL parser has already turned 2130706433 and 0x7f.1 into 127.0.0.1.
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (PRIVATE_NAMES.some((name) => name.test(host)) || privateV4(host) || privateV6(host)) {
    return `the target ${host} is a private, loopback or link-local address (set TOCSIN_ALLOW_PRIVATE_TARGETS to allow it)`;
  }
  return null;
}
