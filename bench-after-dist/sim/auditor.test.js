import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Auditor } from './auditor.js';
import { SU7, YU7 } from './test-catalogs.js';
const catalogs = new Map([[YU7.launchId, YU7], [SU7.launchId, SU7]]);
const config = { trim: 'max', options: ['colour-green', 'wheels-19'], city: 'beijing' };
let clock = 0;
/** A reply as the contract describes it, `sent` and `replied` on the client clock. */
function reply(status, body, extra = {}) {
    clock += 10;
    return { status, code: body?.error?.code ?? null, body, headers: {}, sentAtMs: clock,
        repliedAtMs: clock + 5, ...extra };
}
function order(id, fields = {}) {
    return { order_id: id, account_id: 'acc_1', launch_id: 'yu7-2025', model_id: 'yu7',
        trim: 'max', options: ['wheels-19', 'colour-green'], city: 'beijing', status: 'firm',
        price_fen: 32990000 + 200000, deposit: { amount_fen: 500000, state: 'held' }, queue: null,
        ...fields };
}
const locked = (id, place, more = {}) => order(id, { status: 'locked', locked_at: '2025-06-26T14:00:01.000Z',
    queue: { queue_key: 'yu7-2025/max/beijing', place }, ...more });
function statsFor(firm, locked, cancelled, refundedFen = 0) {
    const received = (firm + locked + cancelled) * 500000;
    return {
        orders: { firm, locked, cancelled, total: firm + locked + cancelled },
        by_trim: { max: { firm, locked, cancelled } },
        by_city: { beijing: { firm, locked, cancelled } },
        deposits_fen: { received, held: received - refundedFen, refunded: refundedFen, forfeited: 0,
            applied: 0 },
        potential_revenue_fen: (firm + locked) * 33190000,
        reported_basis: { orders: firm + locked + cancelled, deposit_fen: 500000,
            base_price_fen: 25350000, deposits_fen: (firm + locked + cancelled) * 500000,
            potential_revenue_fen: (firm + locked + cancelled) * 25350000 },
    };
}
/** Places two orders, locks one, cancels the other: the night in miniature. */
function miniNight(a) {
    const o1 = a.placed('o1', 'acc_1', 'k1', 'yu7-2025', config, reply(201, order('ord_1')), false);
    const o2 = a.placed('o2', 'acc_1', 'k2', 'yu7-2025', config, reply(201, order('ord_2')), false);
    a.locked(o1, reply(200, locked('ord_1', 1)));
    a.cancelled(o2, reply(200, order('ord_2', { status: 'cancelled',
        deposit: { amount_fen: 500000, state: 'refunded' } })));
}
test('a consistent night passes: replies, read-back, queues and stats', () => {
    const a = new Auditor(catalogs);
    miniNight(a);
    a.finalOrders('acc_1', [locked('ord_1', 1), order('ord_2', { status: 'cancelled',
            deposit: { amount_fen: 500000, state: 'refunded' } })], ['ord_1', 'ord_2'], false);
    a.checkQueues(new Map());
    assert.deepEqual(a.compareStats('yu7-2025', statsFor(0, 1, 1, 500000), null), []);
    assert.deepEqual(a.violations(), []);
});
test('planted: statistics that miss one locked order are reported per field', () => {
    const a = new Auditor(catalogs);
    miniNight(a);
    const diffs = a.compareStats('yu7-2025', statsFor(0, 0, 1, 500000), null);
    assert.ok(diffs.includes('yu7-2025 orders.locked: server 0, model 1'), diffs.join('\n'));
    assert.ok(diffs.some((d) => d.startsWith('yu7-2025 by_city.beijing.locked')));
    assert.ok(diffs.some((d) => d.startsWith('yu7-2025 potential_revenue_fen')));
});
test('planted: figures on the reported basis that do not follow the orders taken', () => {
    const a = new Auditor(catalogs);
    miniNight(a);
    const s = statsFor(0, 1, 1, 500000);
    s.reported_basis.deposits_fen += 500000;
    assert.deepEqual(a.compareStats('yu7-2025', s, null), ['yu7-2025 reported_basis.deposits_fen: server 1500000, model 1000000']);
});
test('planted: a ledger whose states do not add up to what was received', () => {
    const a = new Auditor(catalogs);
    miniNight(a);
    const s = statsFor(0, 1, 1, 500000);
    s.deposits_fen.held -= 1;
    const diffs = a.compareStats('yu7-2025', s, null);
    assert.ok(diffs.some((d) => d.includes('held+refunded+forfeited+applied')), diffs.join('\n'));
});
test('planted: a wrong price, a second order for one key, a place given twice', () => {
    const a = new Auditor(catalogs);
    a.placed('p', 'acc_1', 'k1', 'yu7-2025', config, reply(201, order('ord_1', { price_fen: 1 })), false);
    a.placed('again', 'acc_1', 'k1', 'yu7-2025', config, reply(201, order('ord_9')), true);
    const o2 = a.placed('o2', 'acc_1', 'k2', 'yu7-2025', config, reply(201, order('ord_2')), false);
    const o3 = a.placed('o3', 'acc_1', 'k3', 'yu7-2025', config, reply(201, order('ord_3')), false);
    a.locked(o2, reply(200, locked('ord_2', 1)));
    a.locked(o3, reply(200, locked('ord_3', 1)));
    a.checkQueues(new Map());
    const kinds = new Map(a.violations().map((v) => [v.kind, v.count]));
    assert.equal(kinds.get('order_fields'), 1);
    assert.equal(kinds.get('idempotency'), 1);
    assert.ok((kinds.get('queue') ?? 0) >= 1);
});
test('planted: a later lock queued ahead of one that finished before it was sent', () => {
    const a = new Auditor(catalogs);
    const o1 = a.placed('o1', 'acc_1', 'k1', 'yu7-2025', config, reply(201, order('ord_1')), false);
    const o2 = a.placed('o2', 'acc_1', 'k2', 'yu7-2025', config, reply(201, order('ord_2')), false);
    a.locked(o1, reply(200, locked('ord_1', 2)));
    a.locked(o2, reply(200, locked('ord_2', 1)));
    a.checkQueues(new Map());
    assert.deepEqual(a.violations().map((v) => v.kind), ['queue_order']);
});
test('planted: a refusal with the wrong code, an order the model never made', () => {
    const a = new Auditor(catalogs);
    a.refusal('third order', reply(201, order('ord_5')), ['per_account_limit_reached']);
    a.finalOrders('acc_1', [order('ord_7')], [], false);
    assert.deepEqual(a.violations().map((v) => v.kind).sort(), ['unexpected_reply', 'unknown_order']);
});
test('a switched order keeps its deposit and leaves a gap the audit accepts', () => {
    const a = new Auditor(catalogs);
    const su7Config = { trim: 'max', options: ['colour-white', 'wheels-19'], city: 'beijing' };
    const su7Order = (id, place) => ({ ...locked(id, place), launch_id: 'su7-2024', model_id: 'su7', price_fen: 29990000, options: ['colour-white', 'wheels-19'],
        queue: { queue_key: 'su7-2024/max/beijing', place } });
    const s1 = a.placed('s1', 'acc_1', 'p1', 'su7-2024', su7Config, reply(201, { ...su7Order('ord_s1', 1), status: 'firm', queue: null }), false);
    const s2 = a.placed('s2', 'acc_1', 'p2', 'su7-2024', su7Config, reply(201, { ...su7Order('ord_s2', 2), status: 'firm', queue: null }), false);
    a.locked(s1, reply(200, su7Order('ord_s1', 1)));
    a.locked(s2, reply(200, su7Order('ord_s2', 2)));
    a.switched(s1, 'yu7-2025', config, reply(200, locked('ord_s1', 1)));
    a.checkQueues(new Map());
    assert.deepEqual(a.violations(), []);
    assert.equal(a.expectedStats('su7-2024', null)['orders.locked'], 1);
    assert.equal(a.expectedStats('yu7-2025', null)['deposits_fen.held'], 500000);
});
//# sourceMappingURL=auditor.test.js.map