import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { mergedRequest, ReplanCoalescer, type ReplanRequest } from './replan-coalescer.js';

const req = (cause: string, reason = ''): ReplanRequest => ({ actor: 'op', cause, reason });

/** A runner whose runs finish when told, recording what each was asked for. */
function runner() {
  const runs: Array<{ requests: readonly ReplanRequest[]; finish(ok?: boolean): void }> = [];
  let running = 0;
  let most = 0;
  const coalescer = new ReplanCoalescer<number>((requests) => new Promise((resolve, reject) => {
    most = Math.max(most, ++running);
    const n = runs.length;
    runs.push({ requests, finish: (ok = true) => {
      running--;
      if (ok) resolve(n);
      else reject(new Error(`run ${n} failed`));
    } });
  }));
  return { coalescer, runs, most: () => most };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReplanCoalescer', () => {
  it('runs at once when idle; requests during a run share one run after it', async () => {
    const { coalescer, runs, most } = runner();
    const first = coalescer.request(req('plan'));
    assert.equal(runs.length, 1);
    const a = coalescer.request(req('centre'));
    const b = coalescer.request(req('plan', 'again'));
    await turn();
    assert.equal(runs.length, 1, 'the next waits for the one in flight');
    runs[0]!.finish();
    assert.equal(await first, 0);
    await turn();
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[1]!.requests.map((r) => r.cause), ['centre', 'plan']);
    runs[1]!.finish();
    assert.deepEqual(await Promise.all([a, b]), [1, 1]);
    assert.equal(most(), 1, 'never two at once');
    assert.equal(coalescer.busy, false);
  });

  it('a failed run fails its callers only; the next still runs', async () => {
    const { coalescer, runs } = runner();
    const first = coalescer.request(req('plan'));
    const next = coalescer.request(req('periodic'));
    runs[0]!.finish(false);
    await assert.rejects(first, /run 0 failed/);
    await turn();
    runs[1]!.finish();
    assert.equal(await next, 1);
  });

  it('idle waits for the queued run too', async () => {
    const { coalescer, runs } = runner();
    void coalescer.request(req('plan'));
    void coalescer.request(req('plan'));
    let idle = false;
    const waiting = coalescer.idle().then(() => { idle = true; });
    runs[0]!.finish();
    await turn();
    await turn();
    assert.equal(idle, false);
    runs[1]!.finish();
    await waiting;
    assert.equal(idle, true);
  });

  it('a merged request names the first actor, each cause and reason once', () => {
    assert.deepEqual(mergedRequest([req('plan', 'faster'), { actor: 'system',
      cause: 'periodic', reason: '' }, req('plan', 'faster'), req('centre', 'opening')]),
    { actor: 'op', cause: 'plan+periodic+centre', reason: 'faster; opening' });
  });
});
