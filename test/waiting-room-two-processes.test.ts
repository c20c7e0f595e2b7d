// Two launchday processes (real child processes) on one PostgreSQL share a waiting room: the
// pre-queue joined through both is shuffled once, admission runs at the room's rate (one
// admitter at a time), positions read from either process only go down, a ticket and a pass
// signed by one are honoured by the other (the secret is shared through the store), and a pass
// spent on one process cannot order again on the other.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, killHard, register, startChild, type Child } from './process.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const ADMIN = 'two-process-operator-token-0123';
const PEOPLE = 24;
const RATE = 120; // two a second

describe('a waiting room shared by two processes on one PostgreSQL', async () => {
  await withPostgres('admits at the rate once, positions only go down', () => {
    it('admits at the rate once, positions only go down, passes spent once', async () => {
      const schema = testSchema();
      const env = { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema,
        LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_RATE_LIMITS: 'per-address-off',
        LAUNCHDAY_LOG_LEVEL: 'warn', LAUNCHDAY_DEMO_LAUNCH: 'off' };
      const children: Child[] = [];
      try {
        for (let i = 0; i < 2; i++) children.push(await startChild(env));
        const [a, b] = children.map((c) => c.url) as [string, string];
        const opensAtMs = Date.now() + 8_000;
        // A room opens when its launch does: the launch's opening first.
        assert.equal((await api(a, 'PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
          body: { opens_at: new Date(opensAtMs).toISOString() } })).status, 200);
        const put = await api(a, 'PUT', '/admin/waiting-rooms/shared', { token: ADMIN, body: {
          scope: 'launch', target_id: 'yu7-2025', enabled: true,
          opens_at: new Date(opensAtMs).toISOString(),
          prequeue_at: new Date(opensAtMs - 600_000).toISOString(), admit_per_minute: RATE,
          active_max: 1_000 } });
        assert.equal(put.status, 201, JSON.stringify(put.body));
        const tickets = await Promise.all(Array.from({ length: PEOPLE }, async (_, i) => {
          // A join refused 503 overloaded on a busy CI machine is asked again, as a phone does.
          const r = await api(i % 2 ? a : b, 'POST', '/waiting-rooms/shared/tickets',
            { overloadedRetries: 3 });
          assert.equal(r.status, 201, JSON.stringify(r.body));
          assert.equal(r.body.phase, 'prequeue');
          return r.body.ticket as string;
        }));
        assert.ok(Date.now() < opensAtMs, 'everyone joined before the opening');
        await sleep(opensAtMs - Date.now() + 100);
        const last = new Array<number>(PEOPLE).fill(Infinity);
        const passes = new Map<number, string>();
        const t0 = Date.now();
        // Everyone polls each process in turn, a little over once a second.
        for (let round = 0; round < 30 && passes.size < PEOPLE; round++) {
          await sleep(1_050);
          await Promise.all(tickets.map(async (t, i) => {
            if (passes.has(i)) return;
            const r = await api(round % 2 ? a : b, 'GET', '/waiting-rooms/shared/place',
              { headers: { 'x-waiting-room-ticket': t }, overloadedRetries: 3 });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            tickets[i] = r.body.ticket;
            if (r.body.phase === 'admitted') passes.set(i, r.body.pass.token);
            else {
              assert.ok(r.body.position <= last[i]!, `${i}: ${last[i]} -> ${r.body.position}`);
              last[i] = r.body.position;
            }
          }));
        }
        assert.equal(passes.size, PEOPLE, 'everyone was admitted');
        const overview = (await api(b, 'GET', '/admin/waiting-rooms/shared',
          { token: ADMIN })).body;
        const seconds = (Date.now() - opensAtMs) / 1000;
        assert.equal(overview.admitted, PEOPLE);
        assert.ok(overview.admitted <= (RATE * seconds) / 60 + 2,
          `${overview.admitted} admitted in ${seconds} s at ${RATE}/min`);
        assert.ok(Date.now() - t0 >= ((PEOPLE - 2) * 60_000) / RATE - 1_000,
          'not admitted faster than the rate');
        // A pass given through one process spends on the other, and only once, for the
        // account that used it first.
        const buyer = await register(a, 1);
        const other = await register(b, 2);
        const pass = passes.get(0)!;
        const first = await api(b, 'POST', '/orders', { token: buyer,
          headers: { 'idempotency-key': 'shared-1', 'x-waiting-room-pass': pass },
          body: { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' } });
        assert.equal(first.status, 201, JSON.stringify(first.body));
        const second = await api(a, 'POST', '/orders', { token: other,
          headers: { 'idempotency-key': 'shared-2', 'x-waiting-room-pass': pass },
          body: { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' } });
        assert.equal(second.status, 403);
        assert.equal(second.body.error.code, 'waiting_room_pass_other_account');
      } finally {
        for (const c of children) await killHard(c);
        await dropSchema(schema);
      }
    });
  });

  await withPostgres('one address gets its places limit across both processes', () => {
    it('one address gets its places limit across both processes, not per process', async () => {
      // The count was kept per process: 7 places of 5 were seen through two (now counted in
      // the join's own transaction, under a lock per room and address).
      const LIMIT = 5;
      const schema = testSchema();
      const env = { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema,
        LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_RATE_LIMITS: 'on',
        LAUNCHDAY_WAITING_TICKETS_PER_ADDRESS_MAX: String(LIMIT),
        LAUNCHDAY_LOG_LEVEL: 'warn', LAUNCHDAY_DEMO_LAUNCH: 'off' };
      const children: Child[] = [];
      try {
        for (let i = 0; i < 2; i++) children.push(await startChild(env));
        const [a, b] = children.map((c) => c.url) as [string, string];
        const opensAtMs = Date.now() + 600_000;
        // A room opens when its launch does: the launch's opening first.
        assert.equal((await api(a, 'PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
          body: { opens_at: new Date(opensAtMs).toISOString() } })).status, 200);
        const put = await api(a, 'PUT', '/admin/waiting-rooms/nat', { token: ADMIN, body: {
          scope: 'launch', target_id: 'yu7-2025', enabled: true,
          opens_at: new Date(opensAtMs).toISOString(),
          prequeue_at: new Date(opensAtMs - 900_000).toISOString(), admit_per_minute: 60,
          active_max: 100 } });
        assert.equal(put.status, 201, JSON.stringify(put.body));
        // Three waves of joins from 127.0.0.1, each sent to both processes at once.
        const codes: string[] = [];
        for (let wave = 0; wave < 3; wave++) {
          const replies = await Promise.all(Array.from({ length: 12 }, (_, i) =>
            api(i % 2 ? a : b, 'POST', '/waiting-rooms/nat/tickets',
              { overloadedRetries: 3 })));
          codes.push(...replies.map((r) => (r.status === 201 ? 'placed' : r.body.error.code)));
        }
        assert.equal(codes.filter((c) => c === 'placed').length, LIMIT, codes.join(' '));
        assert.ok(codes.every((c) => c === 'placed' || c === 'too_many_tickets'),
          codes.join(' '));
        const overview = (await api(b, 'GET', '/admin/waiting-rooms/nat', { token: ADMIN })).body;
        assert.equal(overview.waiting, LIMIT, JSON.stringify(overview));
      } finally {
        for (const c of children) await killHard(c);
        await dropSchema(schema);
      }
    });
  });
});
