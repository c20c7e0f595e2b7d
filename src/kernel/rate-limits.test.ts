// One address, one count: every spelling of an address is one spelling (canonicalAddress), a
// forwarded value that is not an address falls back to the socket's, and the per-address key
// of an IPv4-mapped IPv6 address is the IPv4 address's (an attacker got a place past the cap
// for each of `::ffff:a4d:101`, `0:0:0:0:0:ffff:10.77.1.1` and `010.77.1.1`); the other
// forms that embed an IPv4 address count as it too, and the loopback `::1` as itself.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { addressKey, canonicalAddress, clientAddress, ipv6Groups } from './rate-limits.js';

describe('canonicalAddress', () => {
  const rows: Array<[string, string | null]> = [
    ['10.77.1.1', '10.77.1.1'],
    ['::ffff:10.77.1.1', '10.77.1.1'],
    ['::FFFF:10.77.1.1', '10.77.1.1'],
    ['::ffff:a4d:101', '10.77.1.1'],
    ['::FFFF:0A4D:0101', '10.77.1.1'],
    ['0:0:0:0:0:ffff:10.77.1.1', '10.77.1.1'],
    ['0:0:0:0:0:ffff:a4d:101', '10.77.1.1'],
    ['0000:0000:0000:0000:0000:ffff:0a4d:0101', '10.77.1.1'],
    ['::ffff:0:0', '0.0.0.0'],
    ['::ffff:ffff:ffff', '255.255.255.255'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    // Every other IPv6 form of one IPv4 host is that host (EMBEDS_IPV4): counted as IPv6, the
    // compatible ones shared `::/48` with the loopback, a NAT64 translator's clients one /64.
    ['::10.77.1.1', '10.77.1.1'],
    ['::a4d:101', '10.77.1.1'],
    ['0:0:0:0:0:0:10.77.1.1', '10.77.1.1'],
    ['::0.0.0.2', '0.0.0.2'],
    ['::ffff:0:10.77.1.1', '10.77.1.1'],
    ['::ffff:0:a4d:101', '10.77.1.1'],
    ['64:ff9b::10.77.1.1', '10.77.1.1'],
    ['64:FF9B::A4D:101', '10.77.1.1'],
    // Near those, but not them: other /96s stay IPv6.
    ['::1:0:a4d:101', '::1:0:a4d:101'],
    ['64:ff9b:1::a4d:101', '64:ff9b:1::a4d:101'],
    ['::fffe:a4d:101', '::fffe:a4d:101'],
    // Not addresses: leading zeros (octal to some parsers), short forms, ports, brackets, text.
    ['010.77.1.1', null],
    ['10.77.1.01', null],
    ['10.77.1', null],
    ['0x0a.77.1.1', null],
    ['167575809', null],
    ['256.1.1.1', null],
    ['10.77.1.1:443', null],
    ['[2001:db8::1]', null],
    ['[2001:db8::1]:443', null],
    ['::ffff:010.77.1.1', null],
    ['2001:db8::1::2', null],
    ['', null],
    ['unknown', null],
  ];
  for (const [text, want] of rows) {
    it(`${JSON.stringify(text)} -> ${want}`, () => assert.equal(canonicalAddress(text), want));
  }
});

describe('clientAddress', () => {
  const rows: Array<[string, string | undefined, string | string[] | undefined, boolean,
    string]> = [
    ['the socket\'s, mapped', '::ffff:127.0.0.1', undefined, false, '127.0.0.1'],
    ['the socket\'s, IPv6', '2001:db8::1', undefined, false, '2001:db8::1'],
    ['no socket address', undefined, undefined, false, ''],
    ['forwarded, not trusted', '127.0.0.1', '10.77.1.1', false, '127.0.0.1'],
    ['forwarded, trusted', '127.0.0.1', '10.77.1.1', true, '10.77.1.1'],
    ['forwarded, the last of several', '127.0.0.1', '1.2.3.4, 10.77.1.1', true, '10.77.1.1'],
    ['forwarded in two headers', '127.0.0.1', ['1.2.3.4', ' 10.77.1.1 '], true, '10.77.1.1'],
    ['forwarded hex-mapped', '127.0.0.1', '::ffff:a4d:101', true, '10.77.1.1'],
    ['forwarded mapped, long form', '127.0.0.1', '0:0:0:0:0:ffff:10.77.1.1', true, '10.77.1.1'],
    ['forwarded IPv6, long form', '127.0.0.1', '2001:0DB8:0:0:0:0:0:1', true, '2001:db8::1'],
    ['forwarded with a leading zero: the proxy\'s', '127.0.0.1', '010.77.1.1', true,
      '127.0.0.1'],
    ['forwarded with a port: the proxy\'s', '::ffff:127.0.0.1', '10.77.1.1:443', true,
      '127.0.0.1'],
    ['forwarded text: the proxy\'s', '127.0.0.1', 'unknown', true, '127.0.0.1'],
    ['forwarded, last entry empty: the proxy\'s', '127.0.0.1', '10.77.1.1,', true, '127.0.0.1'],
    ['forwarded garbage, many commas: the proxy\'s', '127.0.0.1', 'a,'.repeat(5000), true,
      '127.0.0.1'],
    ['forwarded over-long: the proxy\'s', '127.0.0.1', `${'0'.repeat(60)}1.2.3.4`, true,
      '127.0.0.1'],
  ];
  for (const [what, socket, forwarded, trust, want] of rows) {
    it(`${what} -> ${JSON.stringify(want)}`,
      () => assert.equal(clientAddress(socket, forwarded, trust), want));
  }
});

describe('addressKey', () => {
  const rows: Array<[string, string]> = [
    ['10.77.1.1', '10.77.1.1'],
    ['::ffff:10.77.1.1', '10.77.1.1'],
    ['::ffff:a4d:101', '10.77.1.1'],
    ['0:0:0:0:0:ffff:10.77.1.1', '10.77.1.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:1', '2001:db8:1:2::/64'],
    // The loopback, and each IPv4 host however written, counts apart (all were `0:0:0:0::/64`).
    ['::1', '::1'],
    ['0:0::1', '::1'],
    ['::', '::'],
    ['::10.77.1.1', '10.77.1.1'],
    ['::10.77.1.2', '10.77.1.2'],
    ['::ffff:0:10.77.1.1', '10.77.1.1'],
    ['64:ff9b::10.77.1.1', '10.77.1.1'],
    ['64:ff9b::10.77.1.2', '10.77.1.2'],
    // Elsewhere in the reserved ::/64 no subscriber has a /64 to gather: the address itself.
    ['::1:0:0:1', '::1:0:0:1'],
    ['', ''],
  ];
  for (const [address, want] of rows) {
    it(`${JSON.stringify(address)} -> ${want}`, () => assert.equal(addressKey(address), want));
  }
});

describe('ipv6Groups', () => {
  it('expands a dotted IPv4 tail into its two groups', () => {
    assert.deepEqual(ipv6Groups('::ffff:10.77.1.1'), ['0', '0', '0', '0', '0', 'ffff', 'a4d',
      '101']);
    assert.deepEqual(ipv6Groups('2001:DB8::1'), ['2001', 'db8', '0', '0', '0', '0', '0', '1']);
    assert.equal(ipv6Groups('10.77.1.1'), null);
  });
});
