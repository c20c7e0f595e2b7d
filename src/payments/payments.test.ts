// The sandbox provider behaves like the real one where launchday depends on it: ids unique
// across instances, refunds queryable, holds listed, and deliveries bounded when the receiver
// does not answer.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SandboxPaymentProvider, SLOW_SOURCE_MS, slowSourceMs } from './payments.js';

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('sandbox payment provider', () => {
  it('bounds its deliveries when the receiver never answers', async () => {
    const sandbox = new SandboxPaymentProvider({ notifyDelayMs: [0, 0], lateShare: 0,
      duplicateShare: 0, deliveriesInFlightMax: 4, deliveriesWaitingMax: 20 });
    sandbox.connect('secret-secret-secret', () => new Promise<number>(() => {}));
    for (let i = 0; i < 50; i++) {
      await sandbox.charge({ reference: `dep_${i}`, amountFen: 100, payer: 'p' });
      await sandbox.refund({ reference: `dep_${i}`, amountFen: 100 });
    }
    await settle();
    assert.equal(sandbox.inFlightPeak, 4);
    assert.equal(sandbox.outstanding, 20);
    assert.equal(sandbox.dropped, 30);
    // Dropped notifications' refunds still succeeded: a status query finds them.
    assert.deepEqual(await sandbox.refundStatus('dep_49'), { status: 'succeeded',
      amountFen: 100 });
    sandbox.close();
  });

  it('fails, forgets and loses refunds when told to, as a real provider can', async () => {
    const failing = new SandboxPaymentProvider({ refundFailureShare: 1 });
    await failing.charge({ reference: 'a', amountFen: 1, payer: 'p' });
    await assert.rejects(failing.refund({ reference: 'a', amountFen: 1 }), /unavailable/);
    assert.deepEqual([...failing.heldReferences()], [['a', 1]], 'a failed refund holds on');
    const forgetful = new SandboxPaymentProvider({ lostRefundShare: 1 });
    await forgetful.refund({ reference: 'a', amountFen: 1 });
    assert.deepEqual(await forgetful.refundStatus('a'), { status: 'unknown' });
    const mute = new SandboxPaymentProvider({ lostNotificationShare: 1, notifyDelayMs: [0, 0],
      lateShare: 0 });
    let posted = 0;
    mute.connect('secret-secret-secret', async () => {
      posted++;
      return 200;
    });
    await mute.refund({ reference: 'a', amountFen: 1 });
    await settle();
    assert.deepEqual(await mute.refundStatus('a'), { status: 'succeeded', amountFen: 1 });
    assert.equal(posted, 0);
    mute.close();
  });

  it('numbers events and payments uniquely across instances', async () => {
    const bodies: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sandbox = new SandboxPaymentProvider({ notifyDelayMs: [0, 0], lateShare: 0,
        duplicateShare: 0 });
      sandbox.connect('secret-secret-secret', async (body) => {
        bodies.push(body);
        return 200;
      });
      const paid = await sandbox.charge({ reference: 'dep_same', amountFen: 100, payer: 'p' });
      assert.equal(paid.status, 'approved');
      if (paid.status === 'approved') ids.push(paid.paymentId);
      await sandbox.refund({ reference: 'dep_same', amountFen: 100 });
      await settle();
      sandbox.close();
    }
    assert.equal(bodies.length, 2);
    const events = bodies.map((b) => JSON.parse(b).event_id);
    assert.notEqual(events[0], events[1]);
    assert.notEqual(ids[0], ids[1]);
  });

  it('lists the charges it holds, and charges a refunded reference afresh', async () => {
    let now = 1_000;
    const sandbox = new SandboxPaymentProvider({ nowMs: () => now, lostNotificationShare: 1 });
    await sandbox.charge({ reference: 'a', amountFen: 1, payer: 'p' });
    now = 2_000;
    await sandbox.charge({ reference: 'b', amountFen: 2, payer: 'q' });
    await sandbox.refund({ reference: 'a', amountFen: 1 });
    now = 3_000;
    const held = async (afterMs: number) => (await sandbox.heldCharges(500, 10, afterMs))
      .map((c) => [c.reference, c.chargedAtMs]);
    assert.deepEqual(await held(0), [['b', 2_000]]);
    await sandbox.charge({ reference: 'a', amountFen: 1, payer: 'p' });
    assert.deepEqual(await held(0), [['b', 2_000]], 'the new charge is younger than 500 ms');
    now = 4_000;
    assert.deepEqual(await held(0), [['b', 2_000], ['a', 3_000]]);
    assert.deepEqual(await held(2_000), [['a', 3_000]]);
    await sandbox.void({ reference: 'a' });
    assert.deepEqual([...sandbox.heldReferences()], [['b', 2]]);
    sandbox.close();
  });
});

describe('the sandbox\'s slow bank', () => {
  it('slow- waits 2 s, slow<n>- n s (1 to 10), anything else not at all', () => {
    assert.equal(slowSourceMs('slow-decline-card'), SLOW_SOURCE_MS);
    assert.equal(slowSourceMs('slow1-card'), 1_000);
    assert.equal(slowSourceMs('slow10-decline-card'), 10_000);
    for (const s of ['slow0-card', 'slow11-card', 'slow60-card', 'slow99-card', 'slow100-card', 'slowly-card', 'card',
      'decline-slow-', '', null, undefined]) assert.equal(slowSourceMs(s), 0, String(s));
  });
});
