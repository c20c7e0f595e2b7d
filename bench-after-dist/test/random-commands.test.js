// Random sequences of buyer and operator commands; after every one, the deposit ledger balances,
// the figures equal a recount, no place is given twice and no account exceeds its limit.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ADMIN, harness } from './harness.js';
import { checkInvariants } from './invariants.js';
const BUYERS = 3;
const buyer = fc.integer({ min: 0, max: BUYERS - 1 });
const pick = fc.nat(20);
const trim = fc.constantFrom('standard', 'pro', 'max');
const command = fc.oneof({ weight: 4, arbitrary: fc.record({ kind: fc.constant('place'), buyer,
        key: fc.nat(4), trim, city: fc.constantFrom('beijing', 'shanghai') }) }, { weight: 3, arbitrary: fc.record({ kind: fc.constant('lock'), buyer, pick,
        confirm: fc.boolean() }) }, { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel'), buyer, pick,
        accept: fc.boolean() }) }, { weight: 2, arbitrary: fc.record({ kind: fc.constant('change'), buyer, pick, trim }) }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('refund'), pick }) }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick'),
        seconds: fc.constantFrom(60, 3600, 3 * 86400) }) });
/** Replies a command may get: anything else (a 500, say) fails the property. */
const EXPECTED = new Set([200, 201, 404, 409, 422]);
async function run(h, tokens, cmds) {
    const orders = [];
    const byKey = new Map();
    const choose = (n) => orders[n % Math.max(1, orders.length)];
    for (const c of cmds) {
        let status = 200;
        if (c.kind === 'place') {
            const body = { launch_id: 'su7-2024', trim: c.trim, options: [], city: c.city };
            const r = await h.order(tokens[c.buyer], `k${c.key}`, body);
            status = r.status;
            const key = `${c.buyer}/${c.key}`;
            if (r.status === 201) {
                assert.ok(!byKey.has(key), 'a key that created an order never creates another');
                byKey.set(key, r.body.order_id);
                orders.push({ id: r.body.order_id, buyer: c.buyer });
            }
            if (r.status === 200)
                assert.equal(r.body.order_id, byKey.get(key));
        }
        else if (c.kind === 'tick') {
            status = (await h.tick(c.seconds)).status;
        }
        else {
            const o = choose(c.pick);
            if (!o)
                continue;
            const actor = c.kind === 'refund' ? ADMIN : tokens[c.kind === 'lock' || c.kind === 'cancel'
                || c.kind === 'change' ? c.buyer : 0];
            const path = c.kind === 'refund' ? `/admin/orders/${o.id}/refund`
                : `/orders/${o.id}/${c.kind}`;
            const body = c.kind === 'lock' ? { confirm: c.confirm }
                : c.kind === 'cancel' ? { accept_forfeit: c.accept }
                    : c.kind === 'change' ? { trim: c.trim } : { reason: 'random command' };
            status = (await h.call('POST', path, { token: actor, body })).status;
        }
        assert.ok(EXPECTED.has(status), `${JSON.stringify(c)} answered ${status}`);
        await checkInvariants(h, 'su7-2024', 2);
    }
}
describe('random command sequences', () => {
    it('keep the ledger balanced and the queues unique after every command', async () => {
        await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (cmds) => {
            const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' });
            try {
                const tokens = [];
                for (let i = 0; i < BUYERS; i++)
                    tokens.push((await h.buyer(i)).token);
                await run(h, tokens, cmds);
            }
            finally {
                await h.close();
            }
        }), { numRuns: 40, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31) });
    });
});
//# sourceMappingURL=random-commands.test.js.map