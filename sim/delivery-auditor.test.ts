// The delivery auditor on a small clean history (it finds nothing, and the books it rebuilds are
// the ones the history implies), then with one fault planted per check: each check must fail
// on its own violation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  auditDeliveries, parseCsv, weeksOf, type DDelivery, type DeliveryData,
  type DeliveryRulesInForce, type DOrder, type ServerBooks,
} from './delivery-auditor.js';
import { toCsv } from '../src/pricebooks/csv.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 28, 14);
const STD = 21_590_000;
const MAX = 30_000_000;
const DEPOSIT = 500_000;
const CUT = 1_400_000;
const RED = ['colour-red'];

const rules: DeliveryRulesInForce = { defaultSlotCapacity: 4, deferralMaxDays: 360,
  graceDays: 14, deliveredWithinDays: 30, undeliveredPaysLower: true,
  costFenByTrim: { standard: 20_000_000, max: 27_000_000 }, perYearTarget: 52, opensAtMs: T0 };
const AS_OF = T0 + 70 * DAY;

const order = (orderId: string, trim: string, more: Partial<DOrder> = {}): DOrder => ({
  orderId, trim, options: RED, status: 'scheduled', priceFen: trim === 'max' ? MAX : STD,
  depositFen: DEPOSIT, depositState: 'held', createdAtMs: T0 + 3_600_000, cancelledAtMs: null,
  ...more });
const delivery = (orderId: string, more: Partial<DDelivery>): DDelivery => ({ orderId,
  centre: 'beijing', vin: `V_${orderId}`, priceFen: STD, depositFen: DEPOSIT, cycle: 1,
  stage: 'ready', scheduledAtMs: T0 + 20 * DAY, receivedFen: 0, pendingFen: 0, refundedFen: 0,
  deferredDays: 0, slotStartMs: null, deliveredAtMs: null, revenueFen: null, ...more });
const SLOT = T0 + 49 * DAY;

/**
 * o1 delivered 10 days before the cut (refunded the difference), o2 ready and part paid when
 * it came (credited), o3 deferred (its car to o5, same configuration), o4 cancelled before the
 * cut, o6 released for an unpaid balance after its notice and grace; a ready-stock car sold
 * once (the other buyer's hold expired).
 */
function clean(): DeliveryData {
  return {
    orders: [order('o1', 'standard', { depositState: 'applied' }), order('o2', 'standard'),
      order('o3', 'max', { status: 'locked' }), order('o5', 'max'),
      order('o4', 'standard', { status: 'cancelled', depositState: 'refunded',
        cancelledAtMs: T0 + 2 * DAY }),
      order('o6', 'max', { status: 'locked' })],
    deliveries: [
      delivery('o1', { stage: 'delivered', receivedFen: STD - DEPOSIT, slotStartMs: SLOT,
        deliveredAtMs: T0 + 50 * DAY, revenueFen: STD }),
      delivery('o2', { priceFen: STD - CUT, receivedFen: 10_000_000, pendingFen: 2_000_000,
        slotStartMs: SLOT }),
      delivery('o3', { stage: 'released', vin: null, priceFen: MAX, deferredDays: 60 }),
      delivery('o5', { stage: 'built', priceFen: MAX, scheduledAtMs: T0 + 40 * DAY }),
      delivery('o6', { stage: 'released', vin: null, priceFen: MAX }),
    ],
    parts: [
      { orderId: 'o1', reference: 'bal_1', status: 'received', amountFen: STD - DEPOSIT,
        refundedFen: 0 },
      { orderId: 'o2', reference: 'bal_2', status: 'received', amountFen: 10_000_000,
        refundedFen: 0 },
      { orderId: 'o2', reference: 'bal_3', status: 'pending', amountFen: 2_000_000,
        refundedFen: 0 },
      { orderId: 'o2', reference: 'bal_4', status: 'failed', amountFen: 2_000_000,
        refundedFen: 0 },
    ],
    versions: [{ version: 2, itemKind: 'trim', itemId: 'standard', priceFen: STD - CUT,
      previousFen: STD, effectiveFromMs: T0 + 60 * DAY, appliedAtMs: T0 + 60 * DAY }],
    protections: [{ orderId: 'o1', version: 2, kind: 'refund', amountFen: CUT },
      { orderId: 'o2', version: 2, kind: 'credit', amountFen: CUT }],
    releases: [
      { orderId: 'o3', atMs: T0 + 40 * DAY, reason: 'deferral', toOrderId: 'o5',
        untilMs: T0 + 100 * DAY },
      { orderId: 'o6', atMs: T0 + 45 * DAY, reason: 'lapsed', toOrderId: null, untilMs: null },
    ],
    messages: [{ key: 'balance_overdue:o6:1', orderId: 'o6', atMs: T0 + 30 * DAY }],
    slots: [{ centre: 'beijing', slotStartMs: SLOT, booked: 2 }],
    capacities: new Map([['beijing', 2]]),
    readySales: [
      { saleId: 's1', vin: 'R1', trim: 'max', priceFen: 28_000_000, depositFen: 2_000_000,
        status: 'paid', settledAtMs: T0 + 55 * DAY },
      { saleId: 's2', vin: 'R1', trim: 'max', priceFen: 28_000_000, depositFen: 2_000_000,
        status: 'expired', settledAtMs: T0 + 55 * DAY },
    ],
    readyCars: [{ vin: 'R1', status: 'sold', saleId: 's1' }],
    cars: [{ vin: 'V_o1', orderId: 'o1' }, { vin: 'V_o2', orderId: 'o2' },
      { vin: 'V_o5', orderId: 'o5' }, { vin: 'R1', orderId: null }],
  };
}

/** The books a correct server shows for `d`: its JSON and the two CSV parts. */
function serverBooks(d: DeliveryData): ServerBooks {
  const books = auditDeliveries(d, rules, null, AS_OF).books;
  const weeks = weeksOf(d, rules, AS_OF).map((w) => ({ week: w.week, deliveries: w.deliveries,
    target: w.target, cumulative: w.cumulative }));
  const summary: Array<[string, string, number | null]> = [];
  for (const [section, figures] of Object.entries(books)) {
    for (const [k, v] of Object.entries(figures)) summary.push([section, k, v]);
  }
  return { json: { ...books, weeks, as_of: new Date(AS_OF).toISOString() },
    summaryCsv: toCsv(['section', 'figure', 'value'], summary),
    weeksCsv: toCsv(['week', 'deliveries', 'target', 'cumulative', 'cumulative_target'],
      weeks.map((w) => [w.week, w.deliveries, w.target, w.cumulative, 0])) };
}

const kinds = (d: DeliveryData, server: ServerBooks | null = null): string[] =>
  [...new Set(auditDeliveries(d, rules, server, AS_OF).violations.map((v) => v.kind))].sort();

test('a clean history passes, and the books it rebuilds are the history\'s sums', () => {
  const d = clean();
  assert.deepEqual(auditDeliveries(d, rules, serverBooks(d), AS_OF).violations, []);
  const b = auditDeliveries(d, rules, null, AS_OF).books;
  assert.equal(b.deposits!.received_fen, 6 * DEPOSIT);
  assert.equal(b.deposits!.held_fen, 4 * DEPOSIT);
  assert.equal(b.balance!.received_fen, STD - DEPOSIT + 10_000_000);
  // o2's balance after its credit, less what came in; o3, o5, o6 owe their whole balances.
  assert.equal(b.balance!.outstanding_fen, STD - CUT - DEPOSIT - 10_000_000
    + 3 * (MAX - DEPOSIT));
  assert.equal(b.revenue!.recognised_fen, STD + 28_000_000);
  assert.equal(b.revenue!.net_fen, STD + 28_000_000 - CUT);
  assert.equal(b.revenue!.deliveries, 2);
  assert.equal(b.order_book!.potential_revenue_fen, STD - CUT + 3 * MAX);
  assert.equal(b.margin!.cost_fen, 47_000_000);
});

test('planted: an order\'s money does not balance', () => {
  const d = clean();
  const off = d.deliveries.map((x) => (x.orderId === 'o2' ? { ...x, receivedFen: 9_000_000 }
    : x));
  assert.deepEqual(kinds({ ...d, deliveries: off }), ['money_balance']);
  const uncredited = d.deliveries.map((x) => (x.orderId === 'o2' ? { ...x, priceFen: STD } : x));
  assert.deepEqual(kinds({ ...d, deliveries: uncredited }), ['money_balance']);
});

test('planted: an order handed over without the balance paid in full', () => {
  const d = clean();
  const short = (x: { orderId: string; amountFen?: number; receivedFen?: number }) =>
    x.orderId === 'o1';
  assert.deepEqual(kinds({ ...d,
    deliveries: d.deliveries.map((x) => (short(x) ? { ...x, receivedFen: 1_000_000 } : x)),
    parts: d.parts.map((p) => (short(p) ? { ...p, amountFen: 1_000_000 } : p)) }),
  ['delivered_unpaid']);
});

test('planted: a slot over its capacity', () => {
  const d = clean();
  assert.deepEqual(kinds({ ...d, capacities: new Map([['beijing', 1]]) }),
    ['slot_over_capacity']);
  assert.deepEqual(kinds({ ...d, slots: [{ ...d.slots[0]!, booked: 1 }] }),
    ['slot_over_capacity']);
});

test('planted: a ready-stock car sold twice', () => {
  const d = clean();
  const twice = d.readySales.map((s) => ({ ...s, status: 'paid' }));
  assert.ok(kinds({ ...d, readySales: twice }).includes('ready_sold_twice'));
  const held = d.cars.map((c) => (c.vin === 'R1' ? { ...c, orderId: 'o2' } : c));
  assert.deepEqual(kinds({ ...d, cars: held }), ['ready_sold_twice']);
});

test('planted: a car released for an unpaid balance without the notice and its grace', () => {
  const d = clean();
  assert.deepEqual(kinds({ ...d, messages: [] }), ['forfeit_without_notice']);
  const late = [{ ...d.messages[0]!, atMs: T0 + 40 * DAY }];
  assert.deepEqual(kinds({ ...d, messages: late }), ['forfeit_without_notice']);
});

test('planted: a deferral against the rules', () => {
  const d = clean();
  const long = d.releases.map((r) => (r.reason === 'deferral'
    ? { ...r, untilMs: r.atMs + 400 * DAY } : r));
  assert.deepEqual(kinds({ ...d, releases: long }), ['deferral_rule']);
  const elsewhere = d.releases.map((r) => (r.reason === 'deferral' ? { ...r, toOrderId: 'o2' }
    : r));
  assert.deepEqual(kinds({ ...d, releases: elsewhere }), ['deferral_rule']);
  const early = d.deliveries.map((x) => (x.orderId === 'o3' ? { ...x, stage: 'built',
    vin: 'V9', cycle: 2, scheduledAtMs: T0 + 50 * DAY } : x));
  assert.deepEqual(kinds({ ...d, deliveries: early }), ['deferral_rule']);
});

test('planted: protection given to an order the rule does not cover, or withheld', () => {
  const d = clean();
  const missing = d.protections.filter((p) => p.orderId !== 'o1');
  assert.deepEqual(kinds({ ...d, protections: missing }), ['protection_scope']);
  // o4 was cancelled before the cut; a credit to it is money the rule does not give.
  const extra = [...d.protections, { orderId: 'o4', version: 2, kind: 'credit' as const,
    amountFen: CUT }];
  assert.deepEqual(kinds({ ...d, protections: extra }), ['protection_scope']);
});

test('planted: the books (JSON, summary CSV, weeks CSV) differ from the history', () => {
  const d = clean();
  const s = serverBooks(d);
  const json = { ...s.json, revenue: { ...s.json.revenue, net_fen: s.json.revenue.net_fen + 1 } };
  assert.deepEqual(kinds(d, { ...s, json }), ['books_mismatch']);
  const summaryCsv = s.summaryCsv.replace(`deposits,held_fen,${4 * DEPOSIT}`,
    `deposits,held_fen,${4 * DEPOSIT - 1}`);
  assert.notEqual(summaryCsv, s.summaryCsv);
  assert.deepEqual(kinds(d, { ...s, summaryCsv }), ['books_mismatch']);
  const rows = parseCsv(s.weeksCsv);
  rows[8]![1] = '5';
  assert.deepEqual(kinds(d, { ...s, weeksCsv: toCsv(rows[0]!, rows.slice(1)) }),
    ['books_mismatch']);
});
