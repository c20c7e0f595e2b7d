// The production auditor on a small clean history (it finds nothing), then with one fault
// planted per check: each check must fail on its own violation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  auditProduction, estimateMessageKey, scheduledMessageKey, type AuditCar, type AuditChange,
  type AuditMessage, type AuditOrder, type ProductionData, type ServerFigures,
} from './production-auditor.js';
import { weekOfDate } from '../src/production/plan.js';

const L = 'su7-2024';
const RED = ['colour-red', 'wheels-19'];
const BLUE = ['colour-blue', 'wheels-19'];
const order = (id: string, seq: number, options = RED, status = 'locked'): AuditOrder =>
  ({ orderId: id, accountId: `acc_${id}`, launchId: L, trim: 'max', options, status,
    trimSeq: seq });
const car = (vin: string, orderId: string | null, options = RED, builtOn = '2024-04-04'):
  AuditCar => ({ vin, launchId: L, trim: 'max', options, builtOn, orderId,
  pooled: orderId === null });

/** Three red orders and one blue; two red cars to the first two, one blue car to ready stock. */
function clean(): ProductionData {
  const orders = [order('o1', 1), order('o2', 2), order('o3', 3), order('o4', 4, BLUE)];
  const stored = [car('V1', 'o1'), car('V2', 'o2'), car('V3', null, ['colour-green'])];
  const changes: AuditChange[] = [{ replanId: 'rpl_1', orderId: 'o3', accountId: 'acc_o3',
    weeksMoved: -2 }, { replanId: 'rpl_1', orderId: 'o4', accountId: 'acc_o4', weeksMoved: 1 }];
  const messages: AuditMessage[] = [
    ...changes.map((c) => ({ key: estimateMessageKey(c), kind: 'estimate_moved',
      accountId: c.accountId, orderId: c.orderId })),
    ...['o1', 'o2'].map((o) => ({ key: scheduledMessageKey(o), kind: 'order_scheduled',
      accountId: `acc_${o}`, orderId: o })),
    { key: 'order_locked:o1', kind: 'order_locked', accountId: 'acc_o1', orderId: 'o1' },
  ];
  // o1 was shown the week its car can be handed over (built week + 1), o2 a week too late.
  const week = weekOfDate('2024-04-04') + 1;
  return { orders, recorded: stored.map((c) => ({ ...c, orderId: null, pooled: false })),
    replied: [{ vin: 'V1', orderId: 'o1' }, { vin: 'V2', orderId: 'o2' }], stored, changes,
    messages, shownAtLock: new Map([['o1', week], ['o2', week + 2]]) };
}

const server = (d: ProductionData): ServerFigures => ({
  truth: { allocated: 2, shownAtLock: 2, inside: 1 }, estimateChanges: d.changes.length,
  outboxTotal: d.messages.length });

const kinds = (d: ProductionData, s: ServerFigures | null = server(d)): string[] =>
  [...new Set(auditProduction(d, s).violations.map((v) => v.kind))].sort();

test('a clean history passes, with its figures', () => {
  const d = clean();
  const v = auditProduction(d, server(d));
  assert.deepEqual(v.violations, []);
  assert.deepEqual(v.figures, { built: 3, allocated: 2, readyStock: 1, movedEarlier: 1,
    movedLater: 1, estimateMessages: 2, scheduledMessages: 2,
    truth: { allocated: 2, shownAtLock: 2, inside: 1, share: 0.5 } });
});

test('a status of scheduled counts as locked (before and after allocation sets it)', () => {
  const d = clean();
  const orders = d.orders.map((o) => (o.orderId === 'o1' ? { ...o, status: 'scheduled' } : o));
  assert.deepEqual(kinds({ ...d, orders }), []);
});

test('planted: a later order of the same configuration served before an earlier one', () => {
  const d = clean();
  const stored = [car('V1', 'o1'), car('V2', 'o3'), car('V3', null, ['colour-green'])];
  const messages = d.messages.map((m) => (m.key === scheduledMessageKey('o2')
    ? { ...m, key: scheduledMessageKey('o3'), accountId: 'acc_o3', orderId: 'o3' } : m));
  assert.deepEqual(kinds({ ...d, stored, messages, replied: [{ vin: 'V1', orderId: 'o1' },
    { vin: 'V2', orderId: 'o3' }] }, null), ['allocation_order']);
});

test('planted: one car to two orders, and one order with two cars', () => {
  const d = clean();
  assert.ok(kinds({ ...d, replied: [...d.replied, { vin: 'V1', orderId: 'o3' }] }, null)
    .includes('double_allocation'));
  const stored = [...d.stored, car('V4', 'o1')];
  assert.ok(kinds({ ...d, stored, recorded: [...d.recorded, car('V4', null)] }, null)
    .includes('double_allocation'));
});

test('planted: a car to an order of another configuration, or to a cancelled order', () => {
  const d = clean();
  const stored = d.stored.map((c) => (c.vin === 'V2' ? { ...c, options: BLUE } : c));
  assert.ok(kinds({ ...d, stored }, null).includes('allocation_configuration'));
  const orders = d.orders.map((o) => (o.orderId === 'o2' ? { ...o, status: 'cancelled' } : o));
  assert.ok(kinds({ ...d, orders }, null).includes('allocation_state'));
});

test('planted: more allocations than cars built', () => {
  const d = clean();
  const recorded = d.recorded.filter((c) => c.vin !== 'V2');
  assert.deepEqual(kinds({ ...d, recorded }, null), ['over_allocation']);
});

test('planted: a moved estimate without its message, doubled, or one that did not move', () => {
  const d = clean();
  const missing = d.messages.filter((m) => m.orderId !== 'o3');
  assert.deepEqual(kinds({ ...d, messages: missing }, null), ['notification_count']);
  const doubled = [...d.messages, d.messages[0]!];
  assert.deepEqual(kinds({ ...d, messages: doubled }, null), ['notification_count']);
  const unmoved = [...d.messages, { key: 'estimate_moved:rpl_9:o1', kind: 'estimate_moved',
    accountId: 'acc_o1', orderId: 'o1' }];
  assert.deepEqual(kinds({ ...d, messages: unmoved }, null), ['notification_count']);
  const wrongBuyer = d.messages.map((m, i) => (i === 0 ? { ...m, accountId: 'acc_x' } : m));
  assert.deepEqual(kinds({ ...d, messages: wrongBuyer }, null), ['notification_count']);
  const noScheduled = d.messages.filter((m) => m.kind !== 'order_scheduled');
  assert.deepEqual(kinds({ ...d, messages: noScheduled }, null), ['notification_count']);
});

test('planted: the server\'s own figures disagree with its store', () => {
  const d = clean();
  const s = server(d);
  assert.deepEqual(kinds(d, { ...s, truth: { ...s.truth, inside: 2 } }), ['truth_audit']);
  assert.deepEqual(kinds(d, { ...s, estimateChanges: 1 }), ['notification_count']);
  assert.deepEqual(kinds(d, { ...s, outboxTotal: 99 }), ['notification_count']);
});
