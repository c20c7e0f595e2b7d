// Builds launchday in-process on a temporary SQLite folder with a simulated clock, and calls it
// through `inject`, without a port. Time moves only when a test says so.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import inject from 'light-my-request';
import { loadConfig } from '../src/kernel/config.js';
import { compileReply, type RouteContract } from '../src/kernel/http/schema.js';
import { SimulatedClock, type Clock } from '../src/kernel/clock.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { SANDBOX_LATEST_NOTICE_MS, SandboxPaymentProvider } from '../src/payments/payments.js';
import type { MessageProvider } from '../src/notifications/index.js';
import { silentLogger } from '../src/kernel/logger.js';
import { createLaunchday, type LaunchdayInstance } from '../src/server.js';

export const ADMIN = 'test-operator-token-0123456789';
/** One minute before the YU7 opening (22:00 in Beijing, 26 June 2025). */
export const BEFORE_YU7 = '2025-06-26T13:59:00.000Z';
/**
 * Tests of orders move the clock by weeks and keep using the buyers' first tokens, so their
 * sessions last a year here; test/sessions.test.ts sets the real limits (SESSION_DEFAULTS).
 */
const LONG_SESSIONS = { LAUNCHDAY_SESSION_ABSOLUTE_SECONDS: String(365 * 86_400),
  LAUNCHDAY_SESSION_IDLE_SECONDS: String(365 * 86_400) };

export interface Reply {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  readonly ld: LaunchdayInstance;
  readonly payments: SandboxPaymentProvider;
  readonly dir: string;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  /** Registers the n-th synthetic buyer; returns its token and account id. */
  buyer(n: number): Promise<{ token: string; accountId: string; phone: string }>;
  order(token: string, key: string, body: Record<string, unknown>): Promise<Reply>;
  tick(seconds: number): Promise<Reply>;
  /** Closes launchday; with `keepData` the folder stays for a restart. */
  close(keepData?: boolean): Promise<void>;
}

/**
 * `rateClock`: the rate limits' clock, for a test that moves their windows (else real time).
 * `messages`: the notifications provider (else the default sandbox).
 */
export async function harness(env: Record<string, string> = {},
  payments = new SandboxPaymentProvider(), rateClock?: Clock,
  messages?: MessageProvider): Promise<Harness> {
  const dir = env.LAUNCHDAY_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'launchday-test-'));
  const config = loadConfig({
    LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: BEFORE_YU7,
    LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_DEMO_LAUNCH: 'off', ...LONG_SESSIONS,
    // Every test buyer comes from one address; test/rate-limits.test.ts turns them on.
    LAUNCHDAY_RATE_LIMITS: 'per-address-off', ...env,
  });
  const ld = await createLaunchday(config, { payments, logger: silentLogger(),
    ...(rateClock ? { rateClock } : {}), ...(messages ? { messages } : {}) });
  // The sandbox provider's notifications reach this launchday through inject too.
  if (payments instanceof SandboxPaymentProvider) {
    payments.connect(ld.paymentSecret, async (payload, headers) => (await inject(
      ld.handler as never, { method: 'POST', url: '/api/v1/payments/notifications', headers,
        payload })).statusCode, async (payload, headers) => (await inject(ld.handler as never,
      { method: 'POST', url: '/api/v1/payments/balance-notifications', headers, payload }))
      .statusCode);
  }
  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const r = await inject(ld.handler as never, { method: method as never,
      url: path.startsWith('/api/') || !path.startsWith('/') ? path : `/api/v1${path}`,
      headers, ...(payload !== undefined ? { payload } : {}) });
    let body: unknown = r.payload;
    if (String(r.headers['content-type'] ?? '').startsWith('application/json')) body = r.json();
    const url = path.startsWith('/api/') || !path.startsWith('/') ? path : `/api/v1${path}`;
    await checkDocumented(method, url, r.statusCode, body);
    return { status: r.statusCode, body, headers: r.headers };
  };
  // Every refusal a test sees must be one the OpenAPI document gives for that route and status:
  // a client generated from the document would not know any other.
  let operations: Promise<Operations> | null = null;
  const checkDocumented = async (method: string, url: string, status: number, body: unknown):
    Promise<void> => {
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
    if (typeof code !== 'string' || !url.startsWith('/api/v1/')) return;
    operations ??= inject(ld.handler as never, { method: 'GET', url: '/api/v1/openapi.json' })
      .then((d) => documentedOperations(d.json()));
    const codes = documentedCodes(await operations, method, url.slice('/api/v1'.length), status);
    if (codes !== null && !codes.includes(code)) {
      throw new Error(`${method} ${url} answered ${status} ${code}, which its OpenAPI `
        + `operation does not list (it lists ${codes.join(', ') || 'nothing'} at ${status}).`);
    }
  };
  return {
    ld, payments, dir, call,
    async buyer(n) {
      const id = syntheticIdentity(n);
      const r = await call('POST', '/accounts', { body: { phone: id.phone, name: `Buyer ${n}`,
        id_number: id.idNumber } });
      if (r.status !== 201) throw new Error(`register ${n}: ${JSON.stringify(r.body)}`);
      return { token: r.body.token, accountId: r.body.account_id, phone: id.phone };
    },
    order: (token, key, body) => call('POST', '/orders', { token, body,
      headers: { 'idempotency-key': key } }),
    tick: (seconds) => call('POST', '/admin/clock', { token: ADMIN,
      body: { advance_seconds: seconds } }),
    async close(keepData = false) {
      await ld.close();
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The API's operations: a path pattern, its method, and the refusal codes by status. */
type Operations = Array<{ pattern: RegExp; method: string; codes: Map<number, string[]> }>;

/** Reads every operation's `x-codes` by status from the OpenAPI document. */
function documentedOperations(doc: { paths: Record<string, Record<string,
  { responses: Record<string, { 'x-codes'?: string[] }> }>> }): Operations {
  const out: Operations = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(methods)) {
      out.push({ pattern, method: method.toUpperCase(), codes: new Map(Object.entries(
        op.responses).map(([s, r]) => [Number(s), r['x-codes'] ?? []])) });
    }
  }
  // A literal path before a pattern that would also match it (as the router chooses).
  return out.sort((a, b) => a.pattern.source.split('[^/]+').length
    - b.pattern.source.split('[^/]+').length);
}

/**
 * The codes documented for `status` of the operation `method url` (url without /api/v1 and
 * with its query); null when no operation matches (route_not_found and method_not_allowed are
 * every route's, so an unknown path is not checked here).
 */
function documentedCodes(ops: Operations, method: string, url: string, status: number):
  string[] | null {
  const path = url.split('?')[0]!;
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const op = ops.find((o) => o.method === m && o.pattern.test(path));
  return op ? op.codes.get(status) ?? [] : null;
}

export const YU7_MAX = { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' };

/**
 * A harness whose poll pacing moves with the simulated clock: polls are paced by the rate
 * limits' clock (real time in service), here moved by `tick` too.
 */
export async function tickingHarness(): Promise<Harness> {
  const rateClock = new SimulatedClock(Date.parse(BEFORE_YU7));
  const h = await harness({}, undefined, rateClock);
  return { ...h, tick: (seconds: number) => {
    rateClock.tick(seconds * 1000);
    return h.tick(seconds);
  } };
}

/**
 * Asserts that a real reply agrees with the schema its route declares for its status (so the
 * OpenAPI document, built from the same schemas, cannot drift from what is sent).
 */
export function assertDeclared(h: Harness, contract: RouteContract,
  r: { status: number; body: unknown }): void {
  const schema = contract(h.ld.app.deps.limits).replies[r.status];
  assert.ok(schema, `no reply schema for ${r.status}`);
  const valid = compileReply(schema);
  assert.ok(valid(r.body), JSON.stringify(valid.errors));
}

/**
 * A harness whose app runs none of its background rounds (the outbox, the reconcilers, the
 * admitter, the sweeps: server.ts), for a test that runs each round itself and counts what it
 * did: a round of the app's own could take the work first (a count of 1 read 0), or change
 * what the test lists (a place admitted while the test counted waiting places).
 */
export async function quietHarness(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  h.ld.stopTimers();
  return h;
}

/**
 * Hands the queued refunds to the provider now, then waits until none is left queued. The app's
 * own outbox timer (payments.sendPayments every 2 s, server.ts) may take some first, so the
 * count one call sent says nothing (asserting it failed a CI run under load).
 */
export async function sendQueued(h: Harness): Promise<void> {
  await h.ld.app.payments.sendPayments();
  await until('the payment outbox is handed to the provider', async () =>
    (await h.ld.app.deps.store.pendingPayments(1)).length === 0);
}

/**
 * Waits, in real time, for `probe` to say true (work the app does on timers of its own: the
 * payment outbox, the provider's notifications): asks every 10 ms for up to `withinMs`, then
 * throws naming `what`. The default budget is three times the latest a default sandbox sends a
 * notification (SANDBOX_LATEST_NOTICE_MS, 5.5 s): a budget of 500 asks (about 5 s) was shorter
 * than one late notification and failed a CI run waiting for refunds to settle.
 */
export async function until(what: string, probe: () => Promise<boolean> | boolean,
  withinMs = 3 * SANDBOX_LATEST_NOTICE_MS): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() >= deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
