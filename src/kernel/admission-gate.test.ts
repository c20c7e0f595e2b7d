// settledWrite: a guarded write's pass is settled whatever the write does, and a settle that
// throws does not take the write's answer with it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { givesPassBack, openGate, settledWrite } from './admission-gate.js';
import { ok, type Refusal } from './outcomes.js';

describe('settledWrite', () => {
  const claim = { targetId: 't', pass: 'p', accountId: 'a', key: 'k' };
  it('a settle that throws still answers the write\'s outcome, and tells of the error',
    async () => {
      const told: unknown[] = [];
      const gate = { ...openGate, settle: () => Promise.reject(new Error('store gone')) };
      const r = await settledWrite(gate, claim, async () => ok(7), (err) => told.push(err));
      assert.deepEqual(r, ok(7));
      assert.deepEqual(told.map((e) => (e as Error).message), ['store gone']);
    });
  it('a write that throws is settled as unknown (the pass kept), then thrown on', async () => {
    const settled: Array<Pick<Refusal, 'code'>> = [];
    const gate = { ...openGate, settle: async (...a: unknown[]) => {
      settled.push(a[4] as Pick<Refusal, 'code'>);
    } };
    await assert.rejects(settledWrite(gate, claim, () => Promise.reject(new Error('ECONNRESET')),
      () => assert.fail('nothing to tell')), /ECONNRESET/);
    assert.deepEqual(settled.map((x) => x.code), ['commit_unknown']);
    assert.equal(givesPassBack(settled[0]!), false);
  });
  it('a write that throws and a settle that throws: the write\'s error is thrown on',
    async () => {
      const told: unknown[] = [];
      const gate = { ...openGate, settle: () => Promise.reject(new Error('store gone')) };
      await assert.rejects(settledWrite(gate, claim, () => Promise.reject(new Error('bug')),
        (err) => told.push(err)), /bug/);
      assert.equal(told.length, 1);
    });
});
