// Two requests charged under one payment reference at once, the first's commit throwing: what
// the drop and order race tests share (drop-pay-race-void, order-pay-race-void).
import type { Harness } from './harness.js';

/** A promise and the function that keeps it. */
function signal(): [Promise<void>, () => void] {
  let done!: () => void;
  return [new Promise<void>((r) => { done = r; }), () => done()];
}

/**
 * Runs `first` and `second` at once, in this order of events: `first` is charged; `second` starts
 * and is charged under the same reference (the provider answers it with the first's charge);
 * the first's submit of a command `mine` takes (to `service`, a capability's service whose
 * `submit(kind, command, ...)` is its group commit's entry) throws before its commit; the void
 * it then asks for (or its answer) lets the second's submit commit. Their replies, in order;
 * the service's submit and the provider's charge and void are put back after.
 */
export async function chargedTwiceFirstThrows<T>(h: Harness, service: object,
  mine: (kind: unknown, command: unknown) => boolean, first: () => Promise<T>,
  second: () => Promise<T>): Promise<[T, T]> {
  const committer = service as { submit: (...a: unknown[]) => Promise<unknown> };
  const payments = h.ld.app.deps.payments as unknown as {
    charge: (...a: unknown[]) => Promise<unknown>; void: (...a: unknown[]) => Promise<void> };
  const { submit } = committer;
  const { charge, void: voidCharge } = payments;
  const [charged2, secondCharged] = signal();
  const [voided, firstVoided] = signal();
  let charges = 0;
  let submits = 0;
  payments.charge = async (...a: unknown[]) => {
    const r = await charge.apply(payments, a);
    if (++charges === 2) secondCharged();
    return r;
  };
  payments.void = async (...a: unknown[]) => {
    await voidCharge.apply(payments, a);
    firstVoided();
  };
  committer.submit = async (kind: unknown, command: unknown, ...rest: unknown[]) => {
    if (!mine(kind, command)) return submit.call(committer, kind, command, ...rest);
    if (++submits === 1) {
      await charged2;
      throw new Error('injected: the commit threw before it was made');
    }
    await voided;
    return submit.call(committer, kind, command, ...rest);
  };
  try {
    const a = first().finally(firstVoided);
    const b = (async () => {
      // The second starts once the first has charged (its commit waits for this one's charge).
      while (charges < 1) await new Promise((r) => setImmediate(r));
      return second();
    })();
    return await Promise.all([a, b]);
  } finally {
    committer.submit = submit;
    payments.charge = charge;
    payments.void = voidCharge;
  }
}
