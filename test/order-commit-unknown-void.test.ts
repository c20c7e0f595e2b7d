// An order whose batch COMMIT reached PostgreSQL but whose reply was lost is answered
// `commit_unknown`: the order may exist (here it does). Orders' place voided the deposit charge
// on every refusal of its batch, this one too, so the order stood with its deposit voided at the
// provider, and the key's retry was answered with that order without charging again. Drops
// (#voidUnlessPaid) void only a charge no sale holds after such a settle.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { harness, YU7_MAX } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

describe('an order whose COMMIT was made but its reply lost', async () => {
  const schemas = freshSchemas();
  after(async () => schemas.dropAll());
  await withPostgres('keeps its deposit charge', () => {
    it('keeps its deposit charge, and its retry is the order, paid', async () => {
      const payments = new SandboxPaymentProvider();
      const h = await harness(schemas.env(), payments);
      const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
      const query = proto.query;
      try {
        await h.tick(120);
        const { token } = await h.buyer(1);
        const heldBefore = new Set(payments.heldReferences().keys());
        // The next COMMIT after the charge is made on the server; its reply is lost.
        let armed = false;
        const { charge } = payments;
        payments.charge = async (req) => {
          const r = await charge.call(payments, req);
          armed = true;
          return r;
        };
        let lost = 0;
        proto.query = async function (this: unknown, ...args: unknown[]) {
          const reply = await (query.apply(this, args) as Promise<unknown>);
          const text = typeof args[0] === 'string' ? args[0]
            : String((args[0] as { text?: unknown } | undefined)?.text ?? '');
          if (armed && /\bCOMMIT\b/.test(text)) {
            armed = false;
            lost++;
            throw Object.assign(new Error('Connection terminated unexpectedly'),
              { code: 'ECONNRESET' });
          }
          return reply;
        };
        let first;
        try {
          first = await h.order(token, 'k1', YU7_MAX);
        } finally {
          proto.query = query;
          payments.charge = charge;
        }
        assert.equal(lost, 1, 'no COMMIT was lost');
        assert.deepEqual([first.status, first.body.error?.code], [503, 'commit_unknown'],
          JSON.stringify(first.body));
        const again = await h.order(token, 'k1', YU7_MAX);
        assert.ok([200, 201].includes(again.status), JSON.stringify(again.body));
        const reference = [...payments.heldReferences().keys()]
          .filter((r) => !heldBefore.has(r));
        assert.equal(reference.length, 1,
          `the order ${again.body.order_id} stands with its deposit voided at the provider`);
      } finally {
        proto.query = query;
        await h.close();
      }
    });
  });
});
