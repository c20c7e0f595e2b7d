// The text fields' rules (web/js/text-fields.js) through HTTP, the same table on SQLite and on
// PostgreSQL: lengths in characters, control and invisible characters refused with the field's
// code, identity numbers stored in one form, and no string holding NUL answered with a 500 by
// either store.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sign, SIGNATURE_HEADER } from '../src/payments/payment-signature.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { ADMIN, harness, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const SU7 = { launch_id: 'su7-2024', trim: 'pro', options: [], city: 'wuhan' };

/** [what, name, status, the stored name or the refusal's code] */
const NAMES: Array<[string, string, number, string]> = [
  ['33 CJK Extension B characters', '𠀀'.repeat(33), 201, '𠀀'.repeat(33)],
  ['40 emoji', '😀'.repeat(40), 201, '😀'.repeat(40)],
  ['a decomposed é, stored composed', 'Zoe\u0301', 201, 'Zoé'],
  ['65 characters', '李'.repeat(65), 422, 'invalid_name'],
  ['NUL', 'Li\u0000Lei', 422, 'invalid_name'],
  ['only a zero-width space', '\u200b', 422, 'invalid_name'],
  ['a bell', 'Li\u0007', 422, 'invalid_name'],
  ['a right-to-left override', '\u202eieL iL', 422, 'invalid_name'],
  ['only a variation selector', '\ufe0f', 422, 'invalid_name'],
  // Default-ignorable: it shows nothing, so "A" and "A\u034f" would be two names that look one.
  ['a letter and a combining grapheme joiner', 'A\u034f', 422, 'invalid_name'],
  ['only a Hangul filler', '\u3164', 422, 'invalid_name'],
  ['a family emoji (joiners between emoji)', 'Li \u{1F468}\u200d\u{1F469}\u200d\u{1F467}', 201,
    'Li \u{1F468}\u200d\u{1F469}\u200d\u{1F467}'],
];

function textFieldSuite(store: string, open: () => Promise<{ h: Harness; done(): Promise<void> }>) {
  describe(`text fields on ${store}`, () => {
    it('names: counted in characters; control and invisible characters refused', async () => {
      const { h, done } = await open();
      try {
        for (const [i, [what, name, status, expected]] of NAMES.entries()) {
          const id = syntheticIdentity(100 + i);
          const r = await h.call('POST', '/accounts',
            { body: { phone: id.phone, name, id_number: id.idNumber } });
          assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
          if (status === 201) {
            const me = await h.call('GET', '/me', { token: r.body.token });
            assert.equal(me.body.name, expected, what);
          } else {
            assert.equal(r.body.error.code, expected, what);
          }
        }
      } finally {
        await done();
      }
    });

    it('the operator\'s import applies the same rules', async () => {
      const { h, done } = await open();
      try {
        const accounts = NAMES.map(([, name], i) => {
          const id = syntheticIdentity(200 + i);
          return { phone: id.phone, name, id_number: id.idNumber };
        });
        const r = await h.call('POST', '/admin/accounts/import', { token: ADMIN,
          body: { accounts } });
        assert.equal(r.status, 200);
        const refused = new Map<number, string>(
          r.body.errors.map((e: { index: number; code: string }) => [e.index, e.code]));
        NAMES.forEach(([what, , status, expected], i) => {
          assert.equal(refused.get(i), status === 201 ? undefined : expected, what);
        });
      } finally {
        await done();
      }
    });

    it('an identity number with a lower-case x is one number with its X', async () => {
      const { h, done } = await open();
      try {
        const id = syntheticIdentity(0);
        const idNumber = '11010519491231002X';
        const first = await h.call('POST', '/accounts', { body: { phone: id.phone, name: 'Li',
          id_number: ' 11010519491231002x ' } });
        assert.equal(first.status, 201);
        assert.ok(first.body.id_number_masked.endsWith('X'));
        const placed = await h.order(first.body.token, 'k1', SU7);
        assert.equal(placed.status, 201);
        for (const written of [idNumber, '11010519491231002x']) {
          const again = await h.call('POST', '/accounts', { body: {
            phone: syntheticIdentity(1).phone, name: 'Han', id_number: written } });
          assert.equal(again.body.error?.code, 'id_number_taken', written);
          const found = await h.call('GET', `/admin/orders?id_number=${written}`,
            { token: ADMIN });
          assert.equal(found.status, 200);
          assert.deepEqual(found.body.orders.map((o: { order_id: string }) => o.order_id),
            [placed.body.order_id], written);
        }
      } finally {
        await done();
      }
    });

    it('no string holding NUL is answered with a 500', async () => {
      const { h, done } = await open();
      try {
        const b = await h.buyer(1);
        const nul = encodeURIComponent('\u0000');
        const gets = [`/admin/orders?phone=1380013800${nul}`, `/admin/orders?order_id=ord${nul}`,
          `/admin/orders?id_number=11010519491231002X${nul}`,
          `/admin/launches/su7-2024/orders?after=${nul}`];
        for (const path of gets) {
          const r = await h.call('GET', path, { token: ADMIN });
          assert.equal(r.status, 422, `${path}: ${JSON.stringify(r.body)}`);
        }
        const posts: Array<[string, unknown, string]> = [
          ['/sessions/code', { phone: `${b.phone}\u0000` }, 'invalid_phone'],
          ['/sessions', { phone: `${b.phone}\u0000`, code: '123456' }, 'invalid_phone'],
          ['/accounts', { phone: `${syntheticIdentity(2).phone}\u0000`, name: 'x',
            id_number: syntheticIdentity(2).idNumber }, 'invalid_phone'],
          ['/accounts', { phone: syntheticIdentity(3).phone, name: 'x',
            id_number: `${syntheticIdentity(3).idNumber}\u0000` }, 'invalid_id_number'],
        ];
        for (const [path, body, code] of posts) {
          const r = await h.call('POST', path, { body });
          assert.equal(r.body.error?.code, code, `${path} ${JSON.stringify(body)}`);
        }
        const order = await h.order(b.token, 'k1', { ...SU7, city: 'wu\u0000han' });
        assert.equal(order.body.error?.code, 'unknown_city');
        // A notification's keys reach SQL: signed or not, NUL in them is refused, not a 500.
        const text = JSON.stringify({ event_id: 'ev\u00001', type: 'refund.succeeded',
          reference: 'dep_\u0000', amount_fen: 1, occurred_at: new Date().toISOString() });
        const note = await h.call('POST', '/payments/notifications', { raw: text, headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: sign(h.ld.paymentSecret, Date.now(), text) } });
        assert.equal(note.status, 422, JSON.stringify(note.body));
      } finally {
        await done();
      }
    });
  });
}

textFieldSuite('SQLite', async () => {
  const h = await harness();
  return { h, done: () => h.close() };
});

await withPostgres('text fields on PostgreSQL', () => {
  textFieldSuite('PostgreSQL', async () => {
    const schema = testSchema();
    const h = await harness({ LAUNCHDAY_DATABASE_URL: postgresUrl,
      LAUNCHDAY_DATABASE_SCHEMA: schema });
    return { h, async done() {
      await h.close();
      await dropSchema(schema);
    } };
  });
});
