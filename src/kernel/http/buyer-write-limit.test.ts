import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { refuse, type Refusal } from '../outcomes.js';
import { buyerWriteLimit, type BuyerWriteRequest } from './buyer-write-limit.js';

/** Rate limits that refuse past `max` writes per account, and record what they were asked. */
function limits(max: number) {
  const asked: Array<[string, string]> = [];
  const counts = new Map<string, number>();
  return { asked, rateLimits: { buyerWrite(accountId: string, address: string): Refusal | null {
    asked.push([accountId, address]);
    const n = (counts.get(accountId) ?? 0) + 1;
    counts.set(accountId, n);
    return n > max ? refuse('rate_limited') : null;
  } } };
}

const req = (caller: BuyerWriteRequest['caller'], l: ReturnType<typeof limits>):
  BuyerWriteRequest => ({ caller, address: '10.0.0.7', app: l });

describe('the buyer write limit', () => {
  it('counts a buyer by account and address, and refuses past the limit', () => {
    const l = limits(2);
    const buyer = { role: 'buyer', account: { accountId: 'acc_1' } };
    const got = [1, 2, 3].map(() => buyerWriteLimit(req(buyer, l))?.code ?? null);
    assert.deepEqual(got, [null, null, 'rate_limited']);
    assert.deepEqual(l.asked[0], ['acc_1', '10.0.0.7']);
  });

  it('never counts an operator or an anonymous caller', () => {
    const l = limits(0);
    assert.equal(buyerWriteLimit(req({ role: 'admin' }, l)), null);
    assert.equal(buyerWriteLimit(req(null, l)), null);
    assert.deepEqual(l.asked, []);
  });
});
