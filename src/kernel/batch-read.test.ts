import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { BatchRead } from './batch-read.js';

it('keys asked for while a read runs share the next read; each gets a read started after it',
  async () => {
    const reads: string[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    const b = new BatchRead<number>(async (keys) => {
      reads.push([...keys]);
      if (reads.length === 1) await gate;
      return new Map(keys.filter((k) => k !== 'none').map((k) => [k, k.length]));
    }, 3);
    const first = b.get('a');
    const later = ['bb', 'ccc', 'bb', 'none', 'dddd'].map((k) => b.get(k));
    release();
    assert.equal(await first, 1);
    assert.deepEqual(await Promise.all(later), [2, 3, 2, undefined, 4]);
    assert.deepEqual(reads, [['a'], ['bb', 'ccc', 'none'], ['dddd']], 'at most 3 keys a read');
  });

it('a failed read fails its callers only; the next read runs', async () => {
  let fail = true;
  const b = new BatchRead<string>(async (keys) => {
    if (fail) {
      fail = false;
      throw new Error('down');
    }
    return new Map(keys.map((k) => [k, k]));
  }, 10);
  await assert.rejects(b.get('x'), /down/);
  assert.equal(await b.get('y'), 'y');
});
