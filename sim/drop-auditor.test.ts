// The drop auditor's checks each catch what they are for: a table of final states, each with
// the violation it must report (or none).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { auditDrop, exercised, yuanText, type BuyerEnd, type VariantEnd } from './drop-auditor.js';

const end = (o: Partial<VariantEnd> = {}): VariantEnd => ({ variant: 'm', quantity: 2,
  remaining: 0, held: 0, sold: 2, waiting: 0, ...o });
const buyer = (id: string, o: Partial<BuyerEnd> = {}): BuyerEnd => ({ accountId: id, ring: null,
  holds: [{ hold_id: `h-${id}`, variant: 'm', quantity: 1, status: 'paid', source: 'sale' }],
  entries: [], toldBought: 1, tried: true, join: null, offers: [], ...o });
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
    // Never undersell, for those who asked in time: the operator's cancel put a unit back on
    // sale after the size sold for good, and a buyer whose line had closed (or who was told it
    // was sold out) never got it (issue: 10 units on sale with nobody waiting, audit passed).
    ['a unit on sale while a buyer whose line closed has none',
      [end({ sold: 1, remaining: 1 })], [buyer('a'), buyer('c', { holds: [], toldBought: 0,
        entries: [{ entry_id: 'e1', variant: 'm', status: 'closed', joined_at: at(1) }] })],
      /undersold m: 1 on sale at the end while 1 who asked for it in time were refused/],
    ['a unit on sale while a buyer told sold out has none', [end({ sold: 1, remaining: 1 })],
      [buyer('a'), buyer('c', { holds: [], toldBought: 0, refusedFor: 'm' })],
      /undersold m: 1 on sale/],
    ['a unit on sale, and those refused got one or tried with a failing card',
      [end({ sold: 1, remaining: 1 })], [buyer('a'), buyer('c', { refusedFor: null,
        holds: [{ hold_id: 'f', variant: 'm', quantity: 1, status: 'failed', source: 'sale' }],
        toldBought: 0, entries: [{ entry_id: 'e1', variant: 'm', status: 'closed',
          joined_at: at(1) }] }), buyer('d', { holds: [], toldBought: 0, refusedFor: 'l' })],
      null],
  ];
  for (const [what, ends, buyers, want] of rows) {
    it(what, () => {
      const a = auditDrop(ends, buyers, []);
      if (want === null) assert.deepEqual(a.violations, []);
      else assert.ok(a.violations.some((x) => want.test(x)), a.violations.join('; '));
    });
  }

  it('checks the operator\'s cancel: refunded in full, a ring\'s only, none left paid', () => {
    const cancelled = (id: string, ring: number | null) => buyer(id, { ring, holds: [
      { hold_id: `h-${id}`, variant: 'm', quantity: 1, status: 'revoked', source: 'sale' }] });
    const ends = [end({ quantity: 3, sold: 1, remaining: 2 })];
    // The ring's third account tried and bought nothing; the report flags all three.
    const tried = buyer('r3', { ring: 0, holds: [], toldBought: 0 });
    const ring = [cancelled('r1', 0), cancelled('r2', 0), tried, buyer('h')];
    const found = [{ cluster_id: 'c', score: 90, accounts: ['r1', 'r2', 'r3']
      .map((account_id) => ({ account_id })) }];
    const revoked = (ids: string[], refundedFen = ids.length * 100) => ({
      holdIds: new Set(ids.map((id) => `h-${id}`)), refundedFen, priceFen: 100 });
    const audit = (buyers: BuyerEnd[], r: ReturnType<typeof revoked>) =>
      auditDrop(ends, buyers, found, undefined, r).violations.join('; ');
    assert.equal(audit(ring, revoked(['r1', 'r2'])), '');
    assert.match(audit(ring, revoked(['r1'])), /r2 was told 1 bought, 0 paid/);
    assert.match(audit(ring, revoked(['r1', 'r2'], 100)), /100 fen queued for 2 units/);
    assert.match(audit([cancelled('r1', 0), cancelled('h2', null), buyer('h')],
      revoked(['r1', 'h2'])), /h2: an honest buyer's purchase was cancelled/);
    const kept = [cancelled('r1', 0), cancelled('r2', 0), buyer('r3', { ring: 0 })];
    assert.match(auditDrop(ends, kept, found, undefined, revoked(['r1', 'r2'])).violations
      .join('; '), /ring 0: 1 accounts keep a paid unit/);
  });

  it('says the cancel\'s refunds in yuan, as queued, and where the units went', () => {
    assert.equal(yuanText(9_222_900), '¥92,229.00');
    assert.equal(yuanText(5), '¥0.05');
    const r1 = buyer('r1', { ring: 0, holds: [{ hold_id: 'h-r1', variant: 'm', quantity: 1,
      status: 'revoked', source: 'sale' }] });
    const line = (extra: object) => auditDrop([end({ quantity: 3, sold: 1, remaining: 2 })],
      [r1, buyer('h')], [], undefined, { holdIds: new Set(['h-r1']), refundedFen: 9_222_900,
        priceFen: 9_222_900, ...extra }).lines.find((x) => x.startsWith('the operator'));
    assert.equal(line({ backOnSale: 1, offered: 0 }), 'the operator cancelled 1 ring units, '
      + 'refunds of ¥92,229.00 queued (the provider\'s confirmation is the reconciler\'s, not '
      + 'waited for here); 0 offered to the waitlist places the sell-out closed (reopened in '
      + 'their order), 1 back on sale');
    assert.match(line({}) ?? '', /the rest back on sale \(not read\)$/);
  });

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
      open: 1, revoked: 0 });
    assert.ok(a.lines.some((x) => x.includes('offers: 5 made = 1 paid + 1 payment declined + '
      + '1 let go + 1 expired + 1 still open')), a.lines.join('\n'));
  });

  it('the offers balance: an offer paid and then cancelled by the operator counts apart', () => {
    const b = offered([['o1', 'revoked']], [{ holdId: 'o1', choice: 'paid' }]);
    const revoked = { holdIds: new Set(['o1']), refundedFen: 100, priceFen: 100 };
    const a = auditDrop([end({ quantity: 10, sold: 2, remaining: 8 })], [...two,
      { ...b, toldBought: 1 }], [], undefined, revoked);
    assert.deepEqual(a.violations.filter((x) => /offer/.test(x)), []);
    assert.equal(a.offers.revoked, 1);
    // Without the operator's cancel, the same end is a paid offer that did not end paid.
    const plain = auditDrop([end({ quantity: 10, sold: 2, remaining: 8 })], [...two, b], []);
    assert.ok(plain.violations.some((x) => /chose paid, it ended revoked/.test(x)),
      plain.violations.join('; '));
  });

  // Rings judged by every account that bought or tried: behind a room only some of a ring's
  // accounts buy, and the others are seen by their attempts (refused, joined the room).
  const member = (id: string, ring: number, how: 'bought' | 'tried' | 'idle') => buyer(id, {
    ring, ...(how === 'bought' ? {} : { holds: [], toldBought: 0, tried: how === 'tried' }) });
  /** Ring 0: r1 and r2 bought, r3-r5 tried (r5 idle when `idle`). */
  const ringOf = (k: number, idle = 0) => [1, 2, 3, 4, 5].map((i) => member(`r${k}-${i}`, k,
    i <= 2 ? 'bought' : i > 5 - idle ? 'idle' : 'tried'));
  const flaggedAs = (ids: string[], score = 80) => ({ cluster_id: ids[0]!, score,
    accounts: ids.map((account_id) => ({ account_id })) });
  const ids = (k: number, ...i: number[]) => i.map((x) => `r${k}-${x}`);
  const ringRows: Array<[string, BuyerEnd[], Array<ReturnType<typeof flaggedAs>>,
    [planted: number, judged: number, found: number], RegExp | null]> = [
    ['a ring found by its accounts that tried, though two bought', ringOf(0),
      [flaggedAs(ids(0, 1, 2, 3, 4, 5))], [1, 1, 1], null],
    ['a ring missed: only its buyers in the flagged cluster', ringOf(0),
      [flaggedAs(ids(0, 1, 2))], [1, 1, 0],
      /ring 0: 2 of its 5 accounts that bought or tried in one flagged cluster/],
    ['a ring missed: its cluster scores under the flag', ringOf(0),
      [flaggedAs(ids(0, 1, 2, 3, 4, 5), 40)], [1, 1, 0], /ring 0: 0 of its 5/],
    ['a ring account that never tried fails, the ring judged by those that did', ringOf(0, 1),
      [flaggedAs(ids(0, 1, 2, 3, 4))], [1, 1, 1], /ring 0: 1 of its 5 accounts neither bought/],
    ['0 judged of 2 planted fails', [...ringOf(0, 3), ...ringOf(1, 3)], [], [2, 0, 0],
      /no ring judged of the 2 planted/],
    ['a ring too few of whose accounts tried is not judged, and fails', [...ringOf(0),
      ...ringOf(1, 3)], [flaggedAs(ids(0, 1, 2, 3, 4, 5))], [2, 1, 1],
    /ring 1: not judged, 2 of its 5 accounts bought or tried \(fewer than 3\)/],
  ];
  for (const [what, ring, clusters, [planted, judged, found], want] of ringRows) {
    it(`rings: ${what}`, () => {
      const buyers = [...ring, buyer('h')];
      const sold = buyers.filter((b) => b.holds.length > 0).length;
      const a = auditDrop([end({ quantity: 20, sold, remaining: 20 - sold })], buyers, clusters);
      assert.deepEqual([a.ringsPlanted, a.ringsJudged, a.ringsFound], [planted, judged, found]);
      if (want === null) assert.deepEqual(a.violations, []);
      else assert.ok(a.violations.some((x) => want.test(x)), a.violations.join('; '));
      assert.ok(a.lines.includes(`rings: ${planted} planted, ${judged} judged (at least 3 `
        + `accounts bought or tried), ${found} found (recall ${judged === 0 ? '-'
          : (found / judged).toFixed(2)}); honest accounts flagged: 0`), a.lines.join('\n'));
    });
  }

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

describe('exercised', () => {
  it('fails a claimed behaviour the run never saw, and names it', () => {
    const r = exercised([{ claim: 'offers made', count: 3 }, { claim: 'told sold for good by the '
      + 'room', count: 0 }]);
    assert.deepEqual(r.violations, ['not exercised: told sold for good by the room (0)']);
    assert.match(r.line, /^exercised: offers made 3; told sold for good by the room 0 \(1 not/);
    assert.deepEqual(exercised([{ claim: 'offers made', count: 1 }]).violations, []);
  });
});
