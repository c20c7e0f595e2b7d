// GroupRead: one read per key at a time; a caller gets a read that started after it called.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { GroupRead } from './group-read.js';

it('shares reads among callers and never hands a caller an older read', async () => {
  let started = 0;
  const gates: Array<() => void> = [];
  const g = new GroupRead(async (key) => {
    const n = ++started;
    await new Promise<void>((r) => gates.push(r));
    return `${key}:${n}`;
  });
  const a = g.get('d');
  const b = g.get('d'); // arrives while read 1 runs: waits for read 2
  const c = g.get('d'); // shares read 2
  const other = g.get('e');
  assert.equal(started, 2);
  gates.shift()!();
  assert.equal(await a, 'd:1');
  await new Promise((r) => setImmediate(r));
  assert.equal(started, 3);
  gates.shift()!(); // e's
  gates.shift()!();
  assert.deepEqual([await b, await c, await other], ['d:3', 'd:3', 'e:2']);
  const d = g.get('d');
  assert.equal(started, 4, 'a caller after every read ended starts its own');
  gates.shift()!();
  assert.equal(await d, 'd:4');
});

it('a failed read fails its callers and the next read still runs', async () => {
  let n = 0;
  const g = new GroupRead(async () => {
    n += 1;
    if (n === 1) throw new Error('store away');
    return n;
  });
  const first = g.get('x');
  const second = g.get('x');
  await assert.rejects(first);
  assert.equal(await second, 2);
});
