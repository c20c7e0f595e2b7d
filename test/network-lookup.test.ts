// The networks the suspicious-pattern report names (scalpers) are the ones an operator looks a
// waiting room's tickets up by (waiting-rooms): across two capabilities, so here in test/, which
// the capabilities' dependency rule does not bind.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { addressKey } from '../src/kernel/rate-limits.js';
import { networkOf as reportNetwork } from '../src/scalpers/signals.js';
import { NETWORK_PATTERN, networkMatch } from '../src/waiting-rooms/waiting-room.js';

describe('a network the suspicious-pattern report names', () => {
  // The operator looks a room's tickets up by the network the report names (GET
  // /admin/waiting-rooms/{id}/tickets?network=): the lookup must take it and find the ticket,
  // whose address is its joiner's addressKey, whichever way the address was spelt.
  const rows: Array<[string, string]> = [
    ['an IPv4 host', '203.0.113.9'],
    ['an IPv4-mapped one', '::ffff:203.0.113.9'],
    ['a NAT64 one', '64:ff9b::cb00:7109'],
    ['an IPv6 host', '2001:db8:1:2::5'],
    ['the loopback (its own network: ::/64 is no subscriber\'s)', '::1'],
    ['the loopback, spelt out', '0:0:0:0:0:0:0:1'],
    ['another address of ::/64', '::1:0:0:1'],
  ];
  for (const [what, address] of rows) {
    it(`${what}: ${address}`, () => {
      const network = reportNetwork(address)!;
      assert.match(network, new RegExp(NETWORK_PATTERN), `${network} refused by the lookup`);
      const m = networkMatch(network);
      const stored = addressKey(address);
      assert.ok(m.address === stored || (m.prefix !== null && stored.startsWith(m.prefix)),
        `${network} (${JSON.stringify(m)}) does not find ${stored}`);
    });
  }

  it('an address of ::/64 typed in another spelling finds the ticket all the same', () => {
    assert.match('::0001', new RegExp(NETWORK_PATTERN));
    assert.deepEqual(networkMatch('::0001'), { address: '::1', prefix: null });
    assert.deepEqual(networkMatch('::1:0:0:1'), { address: '::1:0:0:1', prefix: null });
  });
});
