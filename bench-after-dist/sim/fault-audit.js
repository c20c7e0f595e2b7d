/** How long refunds may take to settle after the night: notifications come 50 ms to 5 s late. */
const SETTLE_WAIT_MS = 20_000;
const PAGE = 1000;
export async function auditStore(client, adminToken, launchId, refundedOrderIds) {
    const lines = [];
    const violations = [];
    const get = async (path) => {
        for (let attempt = 0; attempt < 50; attempt++) {
            const o = await client.request('GET', path, { token: adminToken, timeoutMs: 30_000 });
            if (o.kind === 'reply' && o.status === 200)
                return o.body;
            await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`GET ${path} never answered 200`);
    };
    const orders = [];
    for (let after = '';;) {
        const page = await get(`/admin/launches/${launchId}/orders?after=${after}&limit=${PAGE}`);
        orders.push(...page.orders);
        if (!page.next_after)
            break;
        after = page.next_after;
    }
    const recount = { received: 0, held: 0, refunded: 0, forfeited: 0,
        applied: 0 };
    const queues = new Map();
    for (const o of orders) {
        recount.received += o.deposit.amount_fen;
        recount[o.deposit.state] = (recount[o.deposit.state] ?? 0) + o.deposit.amount_fen;
        if (o.queue_place !== null) {
            const key = `${o.trim}/${o.city}`;
            queues.set(key, [...(queues.get(key) ?? []), o.queue_place]);
        }
    }
    const d = (await get(`/launches/${launchId}/stats`)).deposits_fen;
    const ledgerOk = d.received === d.held + d.refunded + d.forfeited + d.applied &&
        Object.keys(recount).every((k) => d[k] === recount[k]);
    if (!ledgerOk) {
        violations.push({ kind: 'ledger', detail: `stats ${JSON.stringify(d)}, recount of ` +
                `${orders.length} orders ${JSON.stringify(recount)}` });
    }
    lines.push(`ledger of ${orders.length} orders ${ledgerOk ? 'balanced' : 'UNBALANCED'}`);
    let places = 0;
    for (const [key, list] of queues) {
        list.sort((a, b) => a - b);
        places += list.length;
        const wrong = list.findIndex((p, i) => p !== i + 1);
        if (wrong >= 0) {
            violations.push({ kind: 'queue_gap', detail: `${launchId}/${key}: place ${list[wrong]} ` +
                    `where ${wrong + 1} was due (${list.length} places)` });
        }
    }
    lines.push(`${places} queue places in ${queues.size} queues unique and gap-free`);
    const refunds = await checkRefunds(get, refundedOrderIds, violations);
    lines.push(`refunds ${refunds.settled} of ${refunds.refunded} settled`);
    return { lines, violations, refunds };
}
async function checkRefunds(get, ids, violations) {
    let unsettled = [...ids];
    const deadline = performance.now() + SETTLE_WAIT_MS;
    while (unsettled.length > 0) {
        const still = [];
        for (const id of unsettled) {
            const o = await get(`/orders/${id}`);
            if (!(o.history ?? []).some((e) => e.type === 'refund_settled'))
                still.push(id);
        }
        unsettled = still;
        if (unsettled.length === 0 || performance.now() > deadline)
            break;
        await new Promise((r) => setTimeout(r, 1000));
    }
    const settled = ids.length - unsettled.length;
    if (unsettled.length === 0)
        return { refunded: ids.length, settled, verdict: 'settled' };
    for (const id of unsettled) {
        violations.push({ kind: 'refund_unsettled', detail: `${id}: refunded, never settled` });
    }
    return { refunded: ids.length, settled, verdict: 'unsettled' };
}
//# sourceMappingURL=fault-audit.js.map