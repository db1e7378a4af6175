import fc from 'fast-check';
import { forbiddenAddress } from './public-address';

/** IPv4 ranges that are not public, as [first, last] numbers: an oracle independent of the module's BlockList. */
const NOT_PUBLIC_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const isPublicV4 = (n: number) =>
  !NOT_PUBLIC_V4.some(([base, prefix]) => Math.floor(n / 2 ** (32 - prefix)) === Math.floor(toNumber(base) / 2 ** (32 - prefix)));
const hex = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)];

/** Every way an IPv4 address can be written as an IPv6 one that reaches it (mapped). */
function mappedForms(n: number): string[] {
  const [high, low] = hex(n);
  return [
    `::ffff:${toDotted(n)}`,
    `::FFFF:${toDotted(n)}`,
    `[::ffff:${toDotted(n)}]`,
    `::ffff:${high}:${low}`,
    `0:0:0:0:0:ffff:${high}:${low}`,
    `0000:0000:0000:0000:0000:FFFF:${high.padStart(4, '0')}:${low.padStart(4, '0')}`,
  ];
}

const RUNS = { numRuns: 300, seed: 19 };

describe('forbiddenAddress', () => {
  it('refuses the addresses a hostile $ref aims at, in every notation', () => {
    const cases: Array<[string, RegExp]> = [
      ['127.0.0.1', /loopback/],
      ['127.255.255.254', /loopback/],
      ['::1', /loopback/],
      ['[::1]', /loopback/],
      ['0:0:0:0:0:0:0:1', /loopback/],
      ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1: loopback/],
      ['[::ffff:127.0.0.1]', /IPv4-mapped 127\.0\.0\.1: loopback/],
      ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1: loopback/],
      ['0.0.0.0', /unspecified/],
      ['::', /unspecified/],
      ['::0.0.0.0', /unspecified/],
      ['::127.0.0.1', /IPv4-compatible/],
      ['10.1.2.3', /private/],
      ['172.31.255.255', /private/],
      ['192.168.0.10', /private/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['169.254.169.254', /link-local/],
      ['fe80::1', /link-local/],
      ['FE80::abcd:1', /link-local/],
      ['fd00::1', /unique local/],
      ['fc12:3456::1', /unique local/],
      ['64:ff9b::7f00:1', /NAT64/],
      ['2002:7f00:1::1', /6to4/],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
      ['ff02::1', /multicast/],
      ['224.0.0.1', /multicast/],
      ['255.255.255.255', /broadcast/],
      ['fe80::1%eth0', /not a plain IP address/],
      ['localhost', /not a plain IP address/],
      ['2130706433', /not a plain IP address/],
      ['', /not a plain IP address/],
    ];
    for (const [address, reason] of cases) expect([address, forbiddenAddress(address)]).toEqual([address, expect.stringMatching(reason)]);
  });

  it('allows public unicast addresses of both families', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.216.34',
      '172.32.0.1',
      '::ffff:8.8.8.8',
      '2606:4700:4700::1111',
      '2a00:1450:4001::200e',
    ]) {
      expect([address, forbiddenAddress(address)]).toEqual([address, undefined]);
    }
  });

  it('refuses every IPv4 address of every non-public range, and each of its IPv6-mapped forms', () => {
    const inRange = fc
      .tuple(fc.constantFrom(...NOT_PUBLIC_V4), fc.nat())
      .map(([[base, prefix], offset]) => toNumber(base) + (offset % 2 ** (32 - prefix)));
    fc.assert(
      fc.property(inRange, (n) => {
        for (const form of [toDotted(n), ...mappedForms(n)]) expect([form, forbiddenAddress(form)]).toEqual([form, expect.any(String)]);
      }),
      RUNS,
    );
  });

  it('judges any IPv4 address (and its mapped forms) exactly as the list of non-public ranges does', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), (n) => {
        const publicAddress = isPublicV4(n);
        for (const form of [toDotted(n), ...mappedForms(n)])
          expect([form, forbiddenAddress(form) === undefined]).toEqual([form, publicAddress]);
      }),
      RUNS,
    );
  });

  it('allows IPv6 only inside global unicast 2000::/3, and never the ranges carved out of it', () => {
    const hextet = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(hextet, { minLength: 8, maxLength: 8 }), (parts) => {
        const address = parts.map((p) => p.toString(16)).join(':');
        const first = parts[0];
        const reason = forbiddenAddress(address);
        if (first < 0x2000 || first > 0x3fff) expect([address, reason]).toEqual([address, expect.any(String)]);
        if (first === 0x2002 || (first === 0x2001 && parts[1] === 0) || (first === 0x2001 && parts[1] === 0xdb8))
          expect([address, reason]).toEqual([address, expect.any(String)]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0x2400, max: 0x2fff }), fc.array(hextet, { minLength: 7, maxLength: 7 }), (first, rest) => {
        const address = [first, ...rest].map((p) => p.toString(16)).join(':');
        expect([address, forbiddenAddress(address)]).toEqual([address, undefined]);
      }),
      RUNS,
    );
  });
});
