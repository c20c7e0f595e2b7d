// GroupRead: one read per key at a time, begun at the turn's end for every caller of the turn;
// a caller gets a read that began after it called.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { GroupRead } from './group-read.js';

/** Lets the promise chains settle and the turn end (setImmediate), as GroupRead waits for. */
async function turn(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

it('shares reads among callers and never hands a caller an older read', async () => {
  let started = 0;
  const gates: Array<() => void> = [];
  const g = new GroupRead(async (key) => {
    const n = ++started;
    await new Promise<void>((r) => gates.push(r));
    return `${key}:${n}`;
  });
  const a = g.get('d');
  const a2 = g.get('d'); // same turn, before the read began: shares it
  assert.equal(started, 0, 'nothing read before the turn ends');
  await turn();
  assert.equal(started, 1);
  const b = g.get('d'); // arrives while read 1 runs: waits for read 2
  const c = g.get('d'); // shares read 2
  const other = g.get('e');
  await turn();
  assert.equal(started, 2, 'e read; d waits for its read under way');
  gates.shift()!();
  assert.equal(await a, 'd:1');
  assert.equal(await a2, 'd:1');
  await turn();
  assert.equal(started, 3);
  gates.shift()!(); // e's
  gates.shift()!();
  assert.deepEqual([await b, await c, await other], ['d:3', 'd:3', 'e:2']);
  const d = g.get('d');
  await turn();
  assert.equal(started, 4, 'a caller after every read ended starts its own');
  gates.shift()!();
  assert.equal(await d, 'd:4');
});

it('a read that answers at once serves every caller of its turn', async () => {
  let reads = 0;
  const g = new GroupRead(async () => ++reads);
  const first = await Promise.all(Array.from({ length: 50 }, () => g.get('x')));
  assert.deepEqual(new Set(first), new Set([1]));
  assert.equal(await g.get('x'), 2, 'a later turn reads again');
});

it('a failed read fails its callers and the next read still runs', async () => {
  let n = 0;
  const g = new GroupRead(async () => {
    n += 1;
    if (n === 1) throw new Error('store away');
    return n;
  });
  const first = assert.rejects(g.get('x'));
  await turn();
  const second = g.get('x');
  await first;
  assert.equal(await second, 2);
});
