// Builds launchday in-process on a temporary SQLite folder with a simulated clock, and calls it
// through `inject`, without a port. Time moves only when a test says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import inject from 'light-my-request';
import { loadConfig } from '../src/kernel/config.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { silentLogger } from '../src/kernel/logger.js';
import { createLaunchday } from '../src/server.js';
export const ADMIN = 'test-operator-token-0123456789';
/** One minute before the YU7 opening (22:00 in Beijing, 26 June 2025). */
export const BEFORE_YU7 = '2025-06-26T13:59:00.000Z';
/**
 * Tests of orders move the clock by weeks and keep using the buyers' first tokens, so their
 * sessions last a year here; test/sessions.test.ts sets the real limits (SESSION_DEFAULTS).
 */
const LONG_SESSIONS = { LAUNCHDAY_SESSION_ABSOLUTE_SECONDS: String(365 * 86_400),
    LAUNCHDAY_SESSION_IDLE_SECONDS: String(365 * 86_400) };
/**
 * `rateClock`: the rate limits' clock, for a test that moves their windows (else real time).
 * `messages`: the notifications provider (else the default sandbox).
 */
export async function harness(env = {}, payments = new SandboxPaymentProvider(), rateClock, messages) {
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
        payments.connect(ld.paymentSecret, async (payload, headers) => (await inject(ld.handler, { method: 'POST', url: '/api/v1/payments/notifications', headers,
            payload })).statusCode);
    }
    const call = async (method, path, opts = {}) => {
        const headers = { ...opts.headers };
        if (opts.token)
            headers.authorization = `Bearer ${opts.token}`;
        let payload = opts.raw;
        if (opts.body !== undefined) {
            payload = JSON.stringify(opts.body);
            headers['content-type'] ??= 'application/json';
        }
        const r = await inject(ld.handler, { method: method,
            url: path.startsWith('/api/') || !path.startsWith('/') ? path : `/api/v1${path}`,
            headers, ...(payload !== undefined ? { payload } : {}) });
        let body = r.payload;
        if (String(r.headers['content-type'] ?? '').startsWith('application/json'))
            body = r.json();
        return { status: r.statusCode, body, headers: r.headers };
    };
    return {
        ld, payments, dir, call,
        async buyer(n) {
            const id = syntheticIdentity(n);
            const r = await call('POST', '/accounts', { body: { phone: id.phone, name: `Buyer ${n}`,
                    id_number: id.idNumber } });
            if (r.status !== 201)
                throw new Error(`register ${n}: ${JSON.stringify(r.body)}`);
            return { token: r.body.token, accountId: r.body.account_id, phone: id.phone };
        },
        order: (token, key, body) => call('POST', '/orders', { token, body,
            headers: { 'idempotency-key': key } }),
        tick: (seconds) => call('POST', '/admin/clock', { token: ADMIN,
            body: { advance_seconds: seconds } }),
        async close(keepData = false) {
            await ld.close();
            if (!keepData)
                rmSync(dir, { recursive: true, force: true });
        },
    };
}
export const YU7_MAX = { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' };
//# sourceMappingURL=harness.js.map