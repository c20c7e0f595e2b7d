// Rate limits through HTTP: each refused 429 with Retry-After after its configured count, the
// wrong-code count surviving new codes, the windows sliding on an injected clock, the network
// address from the socket (node:http and the lane) or a trusted proxy, and two app instances on
// one PostgreSQL sharing the counts.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger, silentLogger } from '../src/kernel/logger.js';
import { loadConfig } from '../src/kernel/config.js';
import { SimulatedClock } from '../src/kernel/clock.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { createLaunchday, startServer } from '../src/server.js';
import { ADMIN, BEFORE_YU7, harness, type Harness, type Reply } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

// Codes shown in the reply (the development setting) so that a test can guess right and wrong.
const ON = { LAUNCHDAY_RATE_LIMITS: 'on', LAUNCHDAY_DEV_SHOW_CODES: 'on' };
const rateClock = () => new SimulatedClock(Date.parse('2026-03-01T00:00:00Z'));

/** Asserts a 429 with `code` and a Retry-After in whole seconds; returns those seconds. */
function limited(r: Reply, code = 'rate_limited'): number {
  assert.equal(r.status, 429, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  const seconds = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(seconds) && seconds >= 1, `Retry-After ${r.headers['retry-after']}`);
  return seconds;
}

const register = (h: Harness, n: number, headers: Record<string, string> = {}) => {
  const id = syntheticIdentity(n);
  return h.call('POST', '/accounts', { headers,
    body: { phone: id.phone, name: `Buyer ${n}`, id_number: id.idNumber } });
};
const askCode = (h: Harness, phone: string) =>
  h.call('POST', '/sessions/code', { body: { phone } });
const signIn = (h: Harness, phone: string, code: string) =>
  h.call('POST', '/sessions', { body: { phone, code } });
const wrong = (code: string) => (code === '999999' ? '999998' : '999999');

describe('rate limits', () => {
  it('codes to one phone: the sixth in the window is refused until the window slides', async () => {
    const clock = rateClock();
    const h = await harness(ON, new SandboxPaymentProvider(), clock);
    try {
      const b = await h.buyer(1);
      for (let i = 0; i < 5; i++) assert.equal((await askCode(h, b.phone)).status, 202);
      const wait = limited(await askCode(h, b.phone));
      // A sliding-window counter estimates from two fixed windows: at most two windows' wait.
      assert.ok(wait <= 2 * 15 * 60, `${wait}`);
      clock.tick((wait - 2) * 1000);
      // Still inside the window; this refused request counts too, so the wait moves on.
      const again = limited(await askCode(h, b.phone));
      // A client that waits as told is served, not a second sooner.
      clock.tick(again * 1000 - 1000);
      limited(await askCode(h, b.phone));
      const last = limited(await askCode(h, b.phone));
      clock.tick(last * 1000);
      assert.equal((await askCode(h, b.phone)).status, 202);
    } finally {
      await h.close();
    }
  });

  it('wrong codes are counted per phone: asking for a new code resets nothing', async () => {
    const clock = rateClock();
    const h = await harness(ON, new SandboxPaymentProvider(), clock);
    try {
      const b = await h.buyer(1);
      const first = (await askCode(h, b.phone)).body.dev_code as string;
      for (let i = 0; i < 2; i++) {
        assert.equal((await signIn(h, b.phone, wrong(first))).body.error.code, 'code_invalid');
      }
      const code = (await askCode(h, b.phone)).body.dev_code as string;
      for (let i = 0; i < 3; i++) {
        assert.equal((await signIn(h, b.phone, wrong(code))).body.error.code, 'code_invalid');
      }
      // Five wrong guesses across two codes: even the right code is refused now.
      const wait = limited(await signIn(h, b.phone, code), 'too_many_attempts');
      clock.tick(wait * 1000);
      // That code was guessed at five times and its guesses carry over to new codes while it
      // would have lived (sessions.ts): once it has expired, a new one works.
      await h.tick(h.ld.app.deps.limits.codeTtlSeconds + 1);
      const fresh = (await askCode(h, b.phone)).body.dev_code as string;
      assert.equal((await signIn(h, b.phone, fresh)).status, 201);
    } finally {
      await h.close();
    }
  });

  it('the tries left after a wrong code are a whole number, however far into the window',
    async () => {
      const clock = rateClock();
      const h = await harness(ON, new SandboxPaymentProvider(), clock);
      try {
        const b = await h.buyer(1);
        const code = (await askCode(h, b.phone)).body.dev_code as string;
        const windowMs = h.ld.app.deps.limits.codeWindowSeconds * 1000;
        const seen: unknown[] = [];
        for (const step of [0, 0.5, 0.7]) {
          // The window slides: the earlier failures weigh a fraction of one by now.
          clock.tick(Math.round(step * windowMs));
          const r = await signIn(h, b.phone, wrong(code));
          assert.equal(r.body.error.code, 'code_invalid');
          seen.push(r.body.error.tries_left);
        }
        assert.ok(seen.every((n) => Number.isInteger(n) && (n as number) >= 0),
          JSON.stringify(seen));
      } finally {
        await h.close();
      }
    });

  it('registrations from one address: refused past the limit; X-Forwarded-For only from a '
    + 'trusted proxy', async () => {
    const env = { ...ON, LAUNCHDAY_REGISTRATIONS_PER_ADDRESS_MAX: '10' };
    const h = await harness(env, new SandboxPaymentProvider(), rateClock());
    try {
      for (let n = 1; n <= 10; n++) {
        assert.equal((await register(h, n, { 'x-forwarded-for': `10.0.0.${n}` })).status, 201);
      }
      limited(await register(h, 11, { 'x-forwarded-for': '10.0.1.1' }));
    } finally {
      await h.close();
    }
    const proxied = await harness({ ...env, LAUNCHDAY_TRUST_PROXY: 'on' },
      new SandboxPaymentProvider(), rateClock());
    try {
      // The proxy appends the address it saw; what the client wrote before it is not trusted.
      for (let n = 1; n <= 10; n++) {
        const r = await register(proxied, n, { 'x-forwarded-for': `1.2.3.${n}, 10.0.0.1` });
        assert.equal(r.status, 201);
      }
      limited(await register(proxied, 11, { 'x-forwarded-for': '10.0.0.1' }));
      assert.equal((await register(proxied, 12, { 'x-forwarded-for': '10.0.0.2' })).status, 201);
    } finally {
      await proxied.close();
    }
  });

  it('registrations naming one phone or identity number are limited wherever they come '
    + 'from', async () => {
    const h = await harness({ LAUNCHDAY_RATE_LIMITS: 'per-address-off' },
      new SandboxPaymentProvider(), rateClock());
    try {
      const id = syntheticIdentity(1);
      assert.equal((await register(h, 1)).status, 201);
      for (let n = 2; n <= 10; n++) {
        const r = await h.call('POST', '/accounts', { body: { phone: syntheticIdentity(n).phone,
          name: 'x', id_number: id.idNumber.toLowerCase() } });
        assert.equal(r.body.error.code, 'id_number_taken');
      }
      limited(await h.call('POST', '/accounts', { body: { phone: syntheticIdentity(11).phone,
        name: 'x', id_number: id.idNumber } }));
    } finally {
      await h.close();
    }
  });

  it('a buyer\'s writes: refused past the limit for that account only', async () => {
    const h = await harness({ ...ON, LAUNCHDAY_BUYER_WRITES_PER_ACCOUNT_MAX: '10' },
      new SandboxPaymentProvider(), rateClock());
    try {
      const a = await h.buyer(1);
      const b = await h.buyer(2);
      // The order path counts in memory: not one database round trip for its limits.
      const store = h.ld.app.deps.store;
      const hitRates = store.hitRates.bind(store);
      let storeHits = 0;
      store.hitRates = (hits, nowMs) => { storeHits++; return hitRates(hits, nowMs); };
      const lock = (token: string) => h.call('POST', '/orders/ord_none/lock',
        { token, body: { confirm: true } });
      for (let i = 0; i < 10; i++) assert.equal((await lock(a.token)).status, 404);
      limited(await lock(a.token));
      limited(await h.order(a.token, 'k1', { launch_id: 'yu7-2025', trim: 'max', options: [],
        city: 'beijing' }));
      assert.equal((await lock(b.token)).status, 404);
      assert.equal(storeHits, 0);
      // An operator's cancel is not a buyer's write.
      const r = await h.call('POST', '/admin/orders/ord_none/cancel', { token: ADMIN,
        body: { reason: 'test' } });
      assert.equal(r.status, 404);
    } finally {
      await h.close();
    }
  });

  it('pages of a room\'s published draw: refused past the limit for that address only, until '
    + 'the window slides', async () => {
    const clock = rateClock();
    const h = await harness({ ...ON, LAUNCHDAY_TRUST_PROXY: 'on',
      LAUNCHDAY_DRAW_READS_PER_ADDRESS_MAX: '100' }, new SandboxPaymentProvider(), clock);
    try {
      const put = await h.call('PUT', '/admin/waiting-rooms/night', { token: ADMIN, body: {
        scope: 'launch', target_id: 'yu7-2025', enabled: true, opens_at: '2025-06-26T14:00:00Z',
        prequeue_at: '2025-06-26T13:50:00Z', admit_per_minute: 60, active_max: 2 } });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      for (let i = 0; i < 3; i++) {
        assert.equal((await h.call('POST', '/waiting-rooms/night/tickets')).status, 201);
      }
      await h.tick(600);
      await h.ld.app.waitingRooms.admitRound();
      const page = (from: string) => h.call('GET', '/waiting-rooms/night/shuffle?limit=1',
        { headers: { 'x-forwarded-for': from } });
      for (let i = 0; i < 100; i++) {
        const r = await page('10.0.0.1');
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const wait = limited(await page('10.0.0.1'));
      assert.ok(wait <= 2 * 60, `${wait}`);
      assert.equal((await page('10.0.0.2')).status, 200, 'another address reads on');
      clock.tick(wait * 1000);
      assert.equal((await page('10.0.0.1')).status, 200, 'served once the window slid');
    } finally {
      await h.close();
    }
  });

  it('turning limits off is a setting of its own, logged loudly at start', async () => {
    assert.throws(() => loadConfig({ LAUNCHDAY_RATE_LIMITS: 'no' }), /LAUNCHDAY_RATE_LIMITS/);
    assert.equal(loadConfig({}).rateLimits, 'on');
    for (const mode of ['off', 'per-address-off']) {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-rate-'));
      const lines: string[] = [];
      const ld = await createLaunchday(loadConfig({ LAUNCHDAY_DATA_DIR: dir,
        LAUNCHDAY_DEMO_LAUNCH: 'off', LAUNCHDAY_RATE_LIMITS: mode }),
      { logger: createLogger({ level: 'info', destination: { write: (line: string) => {
        lines.push(JSON.parse(line).msg as string);
      } } }) });
      await ld.close();
      rmSync(dir, { recursive: true, force: true });
      assert.ok(lines.some((l) => l.startsWith(`WARNING: LAUNCHDAY_RATE_LIMITS=${mode}`)), mode);
    }
  });

  it('the lane and node:http both count the socket\'s address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-rate-'));
    const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
      LAUNCHDAY_DEMO_LAUNCH: 'off', LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_CLOCK: 'simulated',
      LAUNCHDAY_CLOCK_START: BEFORE_YU7, LAUNCHDAY_REGISTRATIONS_PER_ADDRESS_MAX: '10' }),
    { logger: silentLogger() });
    try {
      const statuses: number[] = [];
      for (let n = 1; n <= 11; n++) {
        const id = syntheticIdentity(n);
        const r = await fetch(`${server.url}/api/v1/accounts`, { method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phone: id.phone, name: 'x', id_number: id.idNumber }) });
        statuses.push(r.status);
        if (n === 11) assert.ok(Number(r.headers.get('retry-after')) >= 1);
      }
      assert.deepEqual(statuses, [...Array(10).fill(201), 429]);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

await withPostgres('rate limits shared on PostgreSQL', () => {
  it('two app instances on one PostgreSQL share the counts', async () => {
    const schema = testSchema();
    const env = { ...ON, LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema };
    const clock = rateClock();
    const one = await harness(env, new SandboxPaymentProvider(), clock);
    const two = await harness(env, new SandboxPaymentProvider(), clock);
    try {
      const a = await one.buyer(1);
      const both = [one, two];
      for (let i = 0; i < 5; i++) assert.equal((await askCode(both[i % 2]!, a.phone)).status, 202);
      limited(await askCode(two, a.phone));
      limited(await askCode(one, a.phone));
      // Wrong codes sent to either process count against the phone in both.
      const b = await one.buyer(2);
      const code = (await askCode(one, b.phone)).body.dev_code as string;
      for (let i = 0; i < 5; i++) {
        assert.equal((await signIn(both[i % 2]!, b.phone, wrong(code))).status, 401);
      }
      limited(await signIn(two, b.phone, code), 'too_many_attempts');
    } finally {
      await one.close();
      await two.close();
      await dropSchema(schema);
    }
  });

  it('wrong codes sent all at once to two instances: at most the limit are checked', async () => {
    // Each guess read the code's attempt count before any other had written its own: without
    // a row lock every one of them was checked (about 50 of 60 in parallel, not 5).
    const schema = testSchema();
    const env = { ...ON, LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema };
    const clock = rateClock();
    const one = await harness(env, new SandboxPaymentProvider(), clock);
    const two = await harness(env, new SandboxPaymentProvider(), clock);
    try {
      const b = await one.buyer(3);
      const code = (await askCode(one, b.phone)).body.dev_code as string;
      const guesses = Array.from({ length: 60 }, (_, i) =>
        String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
      const replies = await Promise.all(guesses.map((g, i) => signIn([one, two][i % 2]!,
        b.phone, g)));
      const checked = replies.filter((r) => r.status === 401).length;
      assert.ok(replies.every((r) => r.status === 401 || r.status === 429));
      assert.ok(checked <= one.ld.app.deps.limits.codeAttemptsMax, `${checked} guesses checked`);
      limited(await signIn(two, b.phone, code), 'too_many_attempts');
    } finally {
      await one.close();
      await two.close();
      await dropSchema(schema);
    }
  });
});
