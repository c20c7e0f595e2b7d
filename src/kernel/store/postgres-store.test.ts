import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inTransaction } from './postgres-store.js';

describe('inTransaction with BEGIN held back (lazyBegin)', () => {
  /** A client that, as pg's, runs queries in the order they were issued; it logs that order. */
  function client() {
    const sent: string[] = [];
    const query = async (text: string, values?: unknown[]) => {
      sent.push(values === undefined ? text : `${text} ${JSON.stringify(values)}`);
      await new Promise((r) => setTimeout(r, 2));
      return text.startsWith('BEGIN;') ? [{ rows: [] }, { rows: [{ n: 1 }] }] : { rows: [] };
    };
    return { sent, client: { query } };
  }

  it('sends the statements in the order they were issued, after BEGIN, when two go at once',
    async () => {
    for (const [form, first] of [['with parameters', ['SELECT $1', [1]]],
      ['plain text', ['SELECT 1']]] as const) {
      const { sent, client: c } = client();
      await inTransaction(c as never, async () => {
        // Issued together, before the first has an answer.
        await Promise.all([(c.query as (...a: unknown[]) => Promise<unknown>)(...first),
          c.query('SELECT 2', [2])]);
      }, undefined, true);
      const firstSent = first.length === 2 ? 'BEGIN SELECT $1 [1]' : 'BEGIN;\nSELECT 1';
      assert.equal(sent.join(' '), [firstSent, 'SELECT 2 [2]', 'COMMIT'].join(' '), form);
    }
  });

  it('sends no statement outside the transaction when BEGIN fails', async () => {
    const { sent, client: c } = client();
    const query = c.query;
    c.query = async (text: string, values?: unknown[]) => {
      const r = query(text, values);
      if (text === 'BEGIN') throw Object.assign(new Error('begin refused'), { code: '57P01' });
      return r;
    };
    await assert.rejects(inTransaction(c as never, async () => {
      await Promise.all([c.query('SELECT $1', [1]), c.query('SELECT 2', [2])]);
    }, undefined, true));
    assert.deepEqual(sent.filter((q) => q.startsWith('SELECT')), []);
  });

  it('sends nothing for a transaction that sent nothing', async () => {
    const { sent, client: c } = client();
    assert.equal(await inTransaction(c as never, async () => 7, undefined, true), 7);
    assert.deepEqual(sent, []);
  });
});
