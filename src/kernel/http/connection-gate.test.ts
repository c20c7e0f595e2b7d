// The per-address connection cap counts an IPv4 address, or an IPv6 /64, and frees a place when
// a connection closes.
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
    const gate = new ConnectionGate(2, 1);
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

  it('a refused peer that resets its connection raises an error the server expects', () => {
    const gate = new ConnectionGate(1, 1);
    admit(gate, '203.0.113.9');
    const [admitted, refused] = admit(gate, '203.0.113.9');
    assert.equal(admitted, false);
    // An 'error' with no listener is thrown: from a real socket, out of the process.
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.doesNotThrow(() => refused.emit('error', reset));
  });

  it('frees a place when a connection closes, and forgets an address with none open', () => {
    const gate = new ConnectionGate(1, 1);
    const [, first] = admit(gate, '127.0.0.1');
    assert.equal(admit(gate, '127.0.0.1')[0], false, 'loopback is counted like any address');
    first.emit('close');
    assert.equal(gate.openFrom('127.0.0.1'), 0);
    assert.equal(admit(gate, '127.0.0.1')[0], true);
    assert.equal(gate.openFrom('127.0.0.1'), 1);
  });
});
