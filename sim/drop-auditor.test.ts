// The drop auditor's checks each catch what they are for: a table of final states, each with
// the violation it must report (or none).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { auditDrop, type BuyerEnd, type VariantEnd } from './drop-auditor.js';

const end = (o: Partial<VariantEnd> = {}): VariantEnd => ({ variant: 'm', quantity: 2,
  remaining: 0, held: 0, sold: 2, waiting: 0, ...o });
const buyer = (id: string, o: Partial<BuyerEnd> = {}): BuyerEnd => ({ accountId: id, ring: null,
  holds: [{ hold_id: `h-${id}`, variant: 'm', quantity: 1, status: 'paid', source: 'sale' }],
  entries: [], toldBought: 1, join: null, offers: [], ...o });
const two = [buyer('a'), buyer('b')];
const at = (s: number) => new Date(1_750_000_000_000 + s * 1000).toISOString();

describe('auditDrop', () => {
  const rows: Array<[string, VariantEnd[], BuyerEnd[], RegExp | null]> = [
    ['a clean sell-out', [end()], two, null],
    ['more sold than the quantity', [end({ sold: 3, remaining: -1 })], two, /oversold m/],
    ['figures that do not add up', [end({ remaining: 1 })], two, /is not 2/],
    ['a sale the figures do not show', [end({ sold: 1, remaining: 1 })], two, /2 paid holds/],
    ['a unit still held at the end', [end({ sold: 1, held: 1 })], [buyer('a')], /still held/],
    ['a unit on sale while someone waits', [end({ sold: 1, remaining: 1, waiting: 1 })],
      [buyer('a')], /undersold m/],
    ['someone still waiting for a size sold for good', [end({ waiting: 1 })], two,
      /sold for good while 1 still wait/],
    ['a buyer over the limit', [end()], [buyer('a', { toldBought: 2, holds: [
      { hold_id: 'x', variant: 'm', quantity: 1, status: 'paid', source: 'sale' },
      { hold_id: 'y', variant: 'm', quantity: 1, status: 'paid', source: 'sale' }] })],
    /holds 2 units/],
    ['a sale told but not kept', [end({ sold: 1, remaining: 1 })],
      [buyer('a'), buyer('b', { holds: [] })], /told 1 bought, 0/],
    ['an offer out of waitlist order', [end()], [...two,
      buyer('c', { holds: [], toldBought: 0, join: { sentMs: 1, repliedMs: 5 },
        entries: [{ entry_id: 'e1', variant: 'm', status: 'waiting', joined_at: at(1) }] }),
      buyer('d', { holds: [], toldBought: 0, join: { sentMs: 6, repliedMs: 9 },
        entries: [{ entry_id: 'e2', variant: 'm', status: 'lapsed', joined_at: at(2) }] })],
    /offered while e1/],
    ['joins that overlapped may be in either order', [end()], [...two,
      buyer('c', { holds: [], toldBought: 0, join: { sentMs: 1, repliedMs: 7 },
        entries: [{ entry_id: 'e1', variant: 'm', status: 'waiting', joined_at: at(1) }] }),
      buyer('d', { holds: [], toldBought: 0, join: { sentMs: 6, repliedMs: 9 },
        entries: [{ entry_id: 'e2', variant: 'm', status: 'lapsed', joined_at: at(2) }] })],
    null],
  ];
  for (const [what, ends, buyers, want] of rows) {
    it(what, () => {
      const a = auditDrop(ends, buyers, []);
      if (want === null) assert.deepEqual(a.violations, []);
      else assert.ok(a.violations.some((x) => want.test(x)), a.violations.join('; '));
    });
  }

  // One buyer's offers (waitlist holds) as the server ended them, and what the buyer did.
  const offered = (holds: Array<[string, string]>, offers: BuyerEnd['offers']): BuyerEnd =>
    buyer('w', { holds: holds.map(([hold_id, status]) => ({ hold_id, variant: 'm',
      quantity: 1, status, source: 'waitlist' })), toldBought: holds.filter(([, s]) =>
      s === 'paid').length, offers });
  const offerRows: Array<[string, BuyerEnd, RegExp | null]> = [
    ['every offer decided and ended as decided', offered([['o1', 'paid'], ['o2', 'failed'],
      ['o3', 'cancelled'], ['o4', 'expired'], ['o5', 'expired']], [
      { holdId: 'o1', choice: 'paid' }, { holdId: 'o2', choice: 'declined' },
      { holdId: 'o3', choice: 'let_go' }, { holdId: 'o4', choice: 'ignored' },
      { holdId: 'o5', choice: 'late' }]), null],
    ['an offer its buyer never saw', offered([['o1', 'expired']], []), /never seen/],
    ['a decision on an offer the server lacks', offered([], [{ holdId: 'o9', choice: 'ignored' }]),
      /does not have/],
    ['a paid offer that did not end paid', offered([['o1', 'failed']],
      [{ holdId: 'o1', choice: 'paid' }]), /chose paid, it ended failed/],
    ['an offer in a status outside the five', offered([['o1', 'lost']],
      [{ holdId: 'o1', choice: 'ignored' }]), /none of the five/],
  ];
  for (const [what, b, want] of offerRows) {
    it(`offers: ${what}`, () => {
      const a = auditDrop([end({ quantity: 10, sold: 2 + (b.toldBought), remaining: 8
        - b.toldBought })], [...two, b], []);
      const about = a.violations.filter((x) => /offer/.test(x));
      if (want === null) assert.deepEqual(about, []);
      else assert.ok(about.some((x) => want.test(x)), a.violations.join('; '));
    });
  }

  it('the offers balance: made is paid + declined + let go + expired + still open', () => {
    const a = auditDrop([end({ quantity: 10, sold: 3, remaining: 6, held: 1 })], [...two,
      offered([['o1', 'paid'], ['o2', 'failed'], ['o3', 'cancelled'], ['o4', 'expired'],
        ['o5', 'held']], ['o1', 'o2', 'o3', 'o4', 'o5'].map((holdId, i) => ({ holdId,
        choice: (['paid', 'declined', 'let_go', 'ignored', 'ignored'] as const)[i]! })))], []);
    assert.deepEqual(a.offers, { made: 5, paid: 1, declined: 1, cancelled: 1, expired: 1,
      open: 1 });
    assert.ok(a.lines.some((x) => x.includes('offers: 5 made = 1 paid + 1 payment declined + '
      + '1 let go + 1 expired + 1 still open')), a.lines.join('\n'));
  });

  it('counts a ring found only when one flagged cluster holds most of its buyers', () => {
    const ring = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => buyer(id, { ring: 0 }));
    const ends = [end({ quantity: 5, sold: 5 })];
    const cluster = (ids: string[], score = 80) => ({ cluster_id: ids[0]!, score,
      accounts: ids.map((account_id) => ({ account_id })) });
    assert.equal(auditDrop(ends, ring, [cluster(['r1', 'r2', 'r3', 'r4'])]).ringsFound, 1);
    assert.equal(auditDrop(ends, ring, [cluster(['r1', 'r2', 'r3'])]).ringsFound, 0);
    assert.equal(auditDrop(ends, ring, [cluster(['r1', 'r2', 'r3', 'r4'], 40)]).ringsFound, 0);
    const honest = auditDrop([end({ quantity: 6, sold: 6 })], [...ring, buyer('h')],
      [cluster(['r1', 'r2', 'r3', 'r4', 'r5', 'h'])]);
    assert.equal(honest.honestFlagged, 1);
    assert.ok(honest.violations.some((x) => /honest/.test(x)));
  });
});
