// Two launchday processes (real child processes) on one PostgreSQL: buyers race for a few
// ready-stock cars, half through each process. Each car is sold exactly once, every other buyer
// is told it is taken or sold, both processes list the same cars, and the books hold exactly the
// money of the sales.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { withCheckCharacter } from '../src/production/vin.js';
import { api, killHard, register, startChild, type Child } from './process.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const ADMIN = 'two-process-operator-token-0123';
const CARS = 3;
const BUYERS = 40;
const vin = (n: number) => withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

describe('ready stock raced by two processes on one PostgreSQL', async () => {
  await withPostgres('sells each car once', () => {
    it('sells each car exactly once', async () => {
      const schema = testSchema();
      const env = { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema,
        LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_RATE_LIMITS: 'off', LAUNCHDAY_LOG_LEVEL: 'warn',
        LAUNCHDAY_QUEUE_DELAY_MAX_MS: '60000' };
      const children: Child[] = [];
      try {
        for (let i = 0; i < 2; i++) children.push(await startChild(env));
        const [a, b] = children.map((c) => c.url) as [string, string];
        const run = await api(a, 'POST', '/admin/production-runs', { token: ADMIN, body: {
          launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
          cars: Array.from({ length: CARS }, (_, i) => ({ vin: vin(i), trim: 'standard' })) } });
        assert.equal(run.status, 201, JSON.stringify(run.body));
        for (let i = 0; i < CARS; i++) {
          const l = await api(i % 2 ? a : b, 'POST', '/admin/ready-stock/listings', {
            token: ADMIN, body: { vin: vin(i), city: 'beijing' } });
          assert.equal(l.status, 201, JSON.stringify(l.body));
        }
        const tokens: string[] = [];
        for (let n = 1; n <= BUYERS; n++) tokens.push(await register(n % 2 ? a : b, n));
        const replies = await Promise.all(tokens.map((token, i) => api(i % 2 ? a : b, 'POST',
          `/ready-stock/${vin(i % CARS)}/purchases`, { token, body: { mode: 'full' },
            headers: { 'idempotency-key': `race-${i}` } }).then((r) => ({ i, r }))));
        const winners = new Map<string, number[]>();
        for (const { i, r } of replies) {
          if (r.status === 201) {
            assert.equal(r.body.sale.status, 'paid');
            winners.set(r.body.sale.vin, [...(winners.get(r.body.sale.vin) ?? []), i]);
          } else {
            assert.ok(['ready_car_taken', 'ready_car_not_found'].includes(r.body.error?.code),
              JSON.stringify(r.body));
          }
        }
        for (let c = 0; c < CARS; c++) {
          assert.equal(winners.get(vin(c))?.length, 1, `${vin(c)}: ${winners.get(vin(c))}`);
        }
        for (const base of [a, b]) {
          assert.deepEqual((await api(base, 'GET', '/ready-stock')).body.cars, []);
        }
        const books = await api(b, 'GET', '/admin/books/yu7-2025', { token: ADMIN });
        assert.equal(books.body.revenue.ready_stock_received_fen, CARS * 25_350_000);
        assert.equal(books.body.revenue.deliveries, CARS);
      } finally {
        for (const c of children) await killHard(c);
        await dropSchema(schema);
      }
    });
  });
});
