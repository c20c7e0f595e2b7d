// A drop purchase whose paying settle is refused for load (overloaded, store_unavailable) after
// the charge was approved: its hold stays held and its key's retry pays it, so the waiting-room
// pass that got it in stays spent for that key (the attacker's find: it was given back, and the
// same pass bought again under a new key while the first hold could still be paid).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { refuse } from '../src/kernel/outcomes.js';
import { ADMIN, tickingHarness, type Harness } from './harness.js';
import { admittedPasses, jacketDrop } from './drop-fixtures.js';

const OPENS = '2025-06-26T14:00:00.000Z';

describe('a drop purchase whose settle is refused for load', () => {
  let h: Harness;
  const passes: string[] = [];

  before(async () => {
    h = await tickingHarness();
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 9 }, { opens_at: OPENS, per_account_limit: 3,
        per_identity_limit: 3 }) });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    passes.push(...await admittedPasses(h, 'shop', 'drop', 'jacket', 2));
  });
  after(async () => h.close());

  for (const [n, code] of (['overloaded', 'store_unavailable'] as const).entries()) {
    it(`${code}: the pass stays spent for the key; its retry pays the hold`, async () => {
      const b = await h.buyer(n + 1);
      const pass = passes[n]!;
      const buy = (key: string) => h.call('POST', '/drops/jacket/purchases',
        { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
          'x-waiting-room-pass': pass } });
      // The drops' commit lane refuses the next paying settle, as under load.
      const drops = h.ld.app.drops as unknown as { submit: (...a: unknown[]) => unknown };
      const submit = drops.submit;
      let refused = 0;
      drops.submit = (kind: unknown, cmd: unknown, ...rest: unknown[]) => {
        if (kind === 'dropSettle' && refused === 0
          && (cmd as { outcome: string }).outcome === 'paid') {
          refused++;
          return Promise.resolve(refuse(code));
        }
        return submit(kind, cmd, ...rest);
      };
      try {
        const first = await buy(`${code}-a`);
        assert.equal(first.status, 503, JSON.stringify(first.body));
        assert.equal(first.body.error.code, code);
      } finally {
        drops.submit = submit;
      }
      assert.equal(refused, 1);
      // Another key with the same pass is refused: the pass went with the hold.
      const other = await buy(`${code}-b`);
      assert.equal(other.status, 403, JSON.stringify(other.body));
      assert.equal(other.body.error.code, 'waiting_room_pass_invalid');
      // The same key again pays the hold that was kept.
      const retried = await buy(`${code}-a`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.hold.status, 'paid', JSON.stringify(retried.body));
    });
  }
});
