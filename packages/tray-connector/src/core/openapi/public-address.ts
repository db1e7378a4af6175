import { BlockList, isIP } from 'net';

/**
 * Which IP addresses a remote `$ref` may be fetched from: public unicast only. Pure: no DNS, no
 * socket. IPv4 ranges that are not public are refused by name; IPv6 is refused unless it is global
 * unicast (2000::/3) outside the ranges below, and an IPv6 address that carries an IPv4 one
 * (`::ffff:127.0.0.1`, `::127.0.0.1`, NAT64, 6to4, Teredo) is refused or judged by that IPv4 address.
 */

type Range = [address: string, prefix: number, label: string];

const V4: Range[] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'reserved (documentation)'],
  ['192.88.99.0', 24, 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['198.51.100.0', 24, 'reserved (documentation)'],
  ['203.0.113.0', 24, 'reserved (documentation)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

const V6: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['::ffff:0:0:0', 96, 'IPv4-translated'],
  ['64:ff9b::', 96, 'NAT64 (carries an IPv4 address)'],
  ['64:ff9b:1::', 48, 'NAT64 (local use)'],
  ['100::', 64, 'reserved (discard)'],
  ['2001::', 32, 'Teredo (carries an IPv4 address)'],
  ['2001:2::', 48, 'reserved (benchmarking)'],
  ['2001:10::', 28, 'reserved (ORCHID)'],
  ['2001:db8::', 32, 'reserved (documentation)'],
  ['2002::', 16, '6to4 (carries an IPv4 address)'],
  ['3fff::', 20, 'reserved (documentation)'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

function lists(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[BlockList, string]> {
  return ranges.map(([address, prefix, label]) => {
    const list = new BlockList();
    list.addSubnet(address, prefix, family);
    return [list, `${label}, ${address}/${prefix}`];
  });
}

const DENIED_V4 = lists(V4, 'ipv4');
const DENIED_V6 = lists(V6, 'ipv6');
const GLOBAL_V6 = new BlockList();
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6');
/** The canonical (WHATWG URL) form of an IPv4-mapped IPv6 address: ::ffff:7f00:1. */
const MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * Why `address` (an IP address as DNS or a URL gives it) must not be connected to, e.g.
 * `loopback, 127.0.0.0/8`; undefined when it is a public unicast address. Anything that is not a
 * plain IPv4 or IPv6 address (a zone id, a name, garbage) is refused too.
 */
export function forbiddenAddress(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return DENIED_V4.find(([list]) => list.check(bare, 'ipv4'))?.[1];
  if (family !== 6) return 'not a plain IP address';
  let canonical: string;
  try {
    canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return 'not a plain IP address';
  }
  const mapped = MAPPED.exec(canonical);
  if (mapped) {
    const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    const v4 = `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
    const reason = forbiddenAddress(v4);
    return reason && `IPv4-mapped ${v4}: ${reason}`;
  }
  const denied = DENIED_V6.find(([list]) => list.check(canonical, 'ipv6'));
  if (denied) return denied[1];
  return GLOBAL_V6.check(canonical, 'ipv6') ? undefined : 'not global unicast (outside 2000::/3)';
}
