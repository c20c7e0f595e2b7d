// A pass's life between two accounts as a table with the clock moved by `tick`: a pass in
// memory changed by the same conditional rules the stores' UPDATEs apply (active, unended,
// unbound or bound to the caller), answered by the outcomes both adapters share (claimOutcome,
// bindOutcome); and the networks the per-network cap counts places in (networkOf).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bindOutcome, claimOutcome } from './room-rows.js';
import { networkOf, type Pass } from './waiting-room.js';
import type { PassClaim } from './waiting-rooms-store.js';

const T = 1_750_946_400_000;
const CLAIM_MS = 30_000;

/** One pass as a store keeps it; each method is one conditional write, then the outcome. */
class OnePass {
  now = T;
  p: Pass = { passId: 'wrp_1', roomId: 'r', ticketId: 'wrt_1', issuedAtMs: T,
    expiresAtMs: T + 600_000, status: 'active', spentBy: null, spentKey: null, spentAtMs: null,
    claimedUntilMs: null, boundTo: null };

  tick(ms: number) { this.now += ms; }
  #usable(by: string): boolean {
    return this.p.status === 'active' && this.p.expiresAtMs > this.now
      && (this.p.boundTo === null || this.p.boundTo === by);
  }
  bind(by: string): PassClaim {
    if (this.#usable(by) && this.p.boundTo === null) this.p = { ...this.p, boundTo: by };
    return bindOutcome(this.p, by, this.now);
  }
  claim(by: string, key: string): PassClaim {
    if (!this.#usable(by)) return claimOutcome(this.p, by, key, this.now);
    this.p = { ...this.p, status: 'spent', spentBy: by, spentKey: key, spentAtMs: this.now,
      claimedUntilMs: this.now + CLAIM_MS, boundTo: by };
    return 'claimed';
  }
  release(by: string, key: string): boolean {
    const mine = this.p.status === 'spent' && this.p.spentBy === by && this.p.spentKey === key
      && this.p.claimedUntilMs !== null;
    if (mine) {
      this.p = { ...this.p, status: 'active', spentBy: null, spentKey: null, spentAtMs: null,
        claimedUntilMs: null };
    }
    return mine;
  }
  spend(by: string, key: string): boolean {
    const mine = this.p.status === 'spent' && this.p.spentBy === by && this.p.spentKey === key;
    if (mine) this.p = { ...this.p, claimedUntilMs: null };
    return mine;
  }
}

type Row = [string, (x: OnePass) => unknown, unknown];

const run = (rows: readonly Row[]) => {
  const x = new OnePass();
  for (const [step, act, want] of rows) assert.deepEqual(act(x), want, step);
  return x;
};

describe('a pass between two accounts, moved by tick', () => {
  it('bound to the first account that uses it; the other is refused at every step', () => {
    const x = run([
      ['A joins the waitlist with it: bound, not spent', (x) => x.bind('A'), 'claimed'],
      ['B joins with it', (x) => x.bind('B'), 'other_account'],
      ['B buys with it', (x) => x.claim('B', 'b1'), 'other_account'],
      ['A joins again a minute later', (x) => { x.tick(60_000); return x.bind('A'); },
        'claimed'],
      ['A buys: claimed under way', (x) => x.claim('A', 'a1'), 'claimed'],
      ['A\'s second tab waits for the first', (x) => x.claim('A', 'a2'), 'pending'],
      ['B meanwhile', (x) => x.claim('B', 'b1'), 'other_account'],
      ['A\'s card is declined: the pass comes back', (x) => x.release('A', 'a1'), true],
      ['still bound: B cannot take it back', (x) => x.claim('B', 'b1'), 'other_account'],
      ['A\'s second tab buys with it', (x) => { x.tick(2_000); return x.claim('A', 'a2'); },
        'claimed'],
      ['and succeeds', (x) => x.spend('A', 'a2'), true],
      ['A\'s retry of that purchase', (x) => x.claim('A', 'a2'), 'again'],
      ['A\'s waitlist join after it still goes', (x) => x.bind('A'), 'again'],
      ['A\'s other purchase does not', (x) => x.claim('A', 'a3'), 'spent'],
      ['past its end, B is still told whose it is', (x) => { x.tick(600_000);
        return x.bind('B'); }, 'other_account'],
    ]);
    assert.deepEqual([x.p.boundTo, x.p.spentBy, x.p.status], ['A', 'A', 'spent']);
  });

  it('unused until it ends: nobody binds it', () => {
    const x = run([
      ['ten minutes pass', (x) => { x.tick(600_000); return x.bind('A'); }, 'expired'],
      ['a claim neither', (x) => x.claim('B', 'b1'), 'expired'],
    ]);
    assert.equal(x.p.boundTo, null);
  });

  it('bound by its first claim too, and kept when that claim is given back', () => {
    const x = run([
      ['B buys first, refused for its content', (x) => x.claim('B', 'b1'), 'claimed'],
      ['given back', (x) => x.release('B', 'b1'), true],
      ['A cannot take it now', (x) => x.bind('A'), 'other_account'],
      ['B\'s corrected request can', (x) => x.claim('B', 'b2'), 'claimed'],
    ]);
    assert.equal(x.p.boundTo, 'B');
  });
});

describe('the network a place counts in', () => {
  it('an IPv4 /24, an IPv6 /48 of addressKey\'s /64, nothing for an unknown address', () => {
    const table: Array<[string, string]> = [
      ['198.51.100.7', '198.51.100.0/24'],
      ['198.51.100.250', '198.51.100.0/24'],
      ['10.0.0.1', '10.0.0.0/24'],
      ['2001:db8:1:2::/64', '2001:db8:1::/48'],
      ['2001:db8:1:ffff::/64', '2001:db8:1::/48'],
      ['', ''],
    ];
    for (const [address, network] of table) assert.equal(networkOf(address), network, address);
  });
});
