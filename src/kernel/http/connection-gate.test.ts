// The per-address connection cap counts an IPv4 address, or an IPv6 /64, the per-network one an
// IPv6 /48, and each frees a place when a connection closes.
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ConnectionGate, type GatedSocket } from './connection-gate.js';

/** A socket as the gate sees it: its address, what was written to it, whether it ended. */
class FakeSocket extends EventEmitter {
  written = '';
  ended = false;
  constructor(readonly remoteAddress: string) { super(); }
  resume(): this { return this; }
  end(text: string): this {
    this.written += text;
    this.ended = true;
    return this;
  }
  destroy(): this { return this; }
}

const admit = (gate: ConnectionGate, address: string): [boolean, FakeSocket] => {
  const s = new FakeSocket(address);
  return [gate.admit(s as unknown as GatedSocket), s];
};

describe('ConnectionGate', () => {
  it('counts an IPv6 /64 as one address and other networks apart', () => {
    const gate = new ConnectionGate(2, 100, 1);
    assert.equal(admit(gate, '2001:db8:1:2::a')[0], true);
    assert.equal(admit(gate, '2001:db8:1:2:ffff::9')[0], true);
    const [third, refused] = admit(gate, '2001:0db8:0001:0002:1:2:3:4');
    assert.equal(third, false, 'a third address of the same /64 is over the cap');
    assert.ok(refused.ended);
    assert.match(refused.written, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
    assert.match(refused.written, /"code":"too_many_connections"/);
    assert.equal(admit(gate, '2001:db8:1:3::a')[0], true, 'the next /64 is another network');
    assert.equal(admit(gate, '198.51.100.7')[0], true);
    assert.equal(admit(gate, '::ffff:198.51.100.7')[0], true, 'mapped IPv4 is the same address');
    assert.equal(admit(gate, '198.51.100.7')[0], false);
    assert.equal(gate.refused, 2);
  });

  it('counts an IPv6 /48 too: a subscriber\'s /56 cannot take every connection', () => {
    const gate = new ConnectionGate(2, 5, 1);
    // Three /64s of one /56 (2001:db8:1:200::/56), two connections each: the sixth is refused.
    const results = ['2001:db8:1:200::1', '2001:db8:1:200::2', '2001:db8:1:201::1',
      '2001:db8:1:201::2', '2001:db8:1:2ff::1', '2001:db8:1:2ff::2']
      .map((a) => admit(gate, a));
    assert.deepEqual(results.map(([admitted]) => admitted), [true, true, true, true, true,
      false]);
    assert.match(results[5]![1].written, /"code":"too_many_connections"/);
    assert.equal(gate.openFromNetwork('2001:DB8:1:ffff::9'), 5, 'one /48 in any spelling');
    assert.equal(admit(gate, '2001:db8:2::1')[0], true, 'the next /48 is another network');
    // IPv4 has no network cap: six addresses of one /24 are each under their own cap.
    for (let i = 1; i <= 6; i++) assert.equal(admit(gate, `198.51.100.${i}`)[0], true);
    assert.equal(gate.openFromNetwork('198.51.100.1'), 0);
    // A close frees a place in the /48 as in its /64.
    results[0]![1].emit('close');
    assert.equal(gate.openFromNetwork('2001:db8:1::1'), 4);
    assert.equal(admit(gate, '2001:db8:1:3::1')[0], true);
    assert.equal(gate.refused, 1);
  });

  it('counts the loopback and each IPv4 address written as IPv6 apart, in no /48', () => {
    // All of these once fell in `::/48` (and `0:0:0:0::/64`): a local health check held a place
    // of every IPv4-compatible peer's count, and the NAT64 translator's whole Internet one.
    const gate = new ConnectionGate(1, 1, 1);
    for (const a of ['::1', '::10.77.1.1', '::10.77.1.2', '64:ff9b::198.51.100.7',
      '64:ff9b::198.51.100.8', '::ffff:0:203.0.113.1']) {
      assert.equal(admit(gate, a)[0], true, `${a} has a count of its own`);
    }
    assert.equal(admit(gate, '0:0:0:0:0:0:0:1')[0], false, 'the loopback is one address');
    assert.equal(admit(gate, '10.77.1.1')[0], false, '::10.77.1.1 is 10.77.1.1');
    assert.equal(admit(gate, '::ffff:198.51.100.7')[0], false, 'NAT64 and mapped are one host');
    assert.equal(gate.openFromNetwork('::1'), 0);
    assert.equal(gate.openFromNetwork('::10.77.1.1'), 0);
  });

  it('a refused peer that resets its connection raises an error the server expects', () => {
    const gate = new ConnectionGate(1, 100, 1);
    admit(gate, '203.0.113.9');
    const [admitted, refused] = admit(gate, '203.0.113.9');
    assert.equal(admitted, false);
    // An 'error' with no listener is thrown: from a real socket, out of the process.
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.doesNotThrow(() => refused.emit('error', reset));
  });

  it('frees a place when a connection closes, and forgets an address with none open', () => {
    const gate = new ConnectionGate(1, 100, 1);
    const [, first] = admit(gate, '127.0.0.1');
    assert.equal(admit(gate, '127.0.0.1')[0], false, 'loopback is counted like any address');
    first.emit('close');
    assert.equal(gate.openFrom('127.0.0.1'), 0);
    assert.equal(admit(gate, '127.0.0.1')[0], true);
    assert.equal(gate.openFrom('127.0.0.1'), 1);
  });
});
