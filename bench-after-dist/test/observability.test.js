// Logs and metrics as the people running launch night see them: JSON lines with a request id
// and no personal data, and /metrics for the operator's scraper only, with counters that move.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import inject from 'light-my-request';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { Overloaded } from '../src/kernel/write/group-committer.js';
import { createLogger, silentLogger } from '../src/kernel/logger.js';
import { RequestTelemetry } from '../src/kernel/http/request-telemetry.js';
import { createLaunchday, startServer, } from '../src/server.js';
import { ADMIN, BEFORE_YU7 } from './harness.js';
const METRICS_TOKEN = 'metrics-scraper-token-0123';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Launchday in-process with its log lines kept, called through node:http's listener. */
async function launchday(env = {}, parts = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-obs-'));
    const raw = [];
    const logger = createLogger({ level: (env.LAUNCHDAY_LOG_LEVEL ?? 'info'),
        destination: { write: (s) => raw.push(s) } });
    const ld = await createLaunchday(loadConfig({ LAUNCHDAY_DATA_DIR: dir,
        LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: BEFORE_YU7,
        LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_DEMO_LAUNCH: 'off', ...env }), { logger, ...parts });
    const call = async (method, url, opts = {}) => {
        const headers = { ...opts.headers };
        if (opts.token !== undefined)
            headers.authorization = `Bearer ${opts.token}`;
        if (opts.body !== undefined)
            headers['content-type'] = 'application/json';
        const r = await inject(ld.handler, { method: method, url, headers,
            ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}) });
        const json = String(r.headers['content-type'] ?? '').startsWith('application/json');
        return { status: r.statusCode, headers: r.headers, body: json ? r.json() : r.payload };
    };
    return {
        ld, call, raw,
        lines: () => raw.map((s) => JSON.parse(s)),
        async buyer(n) {
            const id = syntheticIdentity(n);
            const r = await call('POST', '/api/v1/accounts', { body: { phone: id.phone,
                    name: `Buyer ${n}`, id_number: id.idNumber } });
            assert.equal(r.status, 201, JSON.stringify(r.body));
            return r.body.token;
        },
        async metrics(token = ADMIN) {
            const r = await call('GET', '/api/v1/metrics', { token });
            assert.equal(r.status, 200, String(r.body));
            return r.body;
        },
        async close() {
            await ld.close();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
/** The value of one series in an exposition text; 0 when the series is not there yet. */
function sample(text, name, labels = {}) {
    const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `))
            continue;
        const braces = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
        if (braces === null)
            continue;
        const have = (braces[1] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean);
        if (want.every((w) => have.includes(w)) && have.length === want.length) {
            return Number(braces[2]);
        }
    }
    return 0;
}
/** Lets only the system's own (essential) commands through, as a full commit queue does. */
function overload(ld) {
    const committer = ld.app.committer;
    const submit = committer.submit.bind(committer);
    committer.submit = ((handler, payload, essential = false) => (essential
        ? submit(handler, payload, essential) : Promise.reject(new Overloaded())));
}
describe('the settings', () => {
    it('takes a log level and a metrics token, and refuses bad ones naming the setting', () => {
        // [environment, the level and token read, or the setting named in the refusal]
        const table = [
            [{}, ['info', null]],
            [{ LAUNCHDAY_LOG_LEVEL: 'debug' }, ['debug', null]],
            [{ LAUNCHDAY_LOG_LEVEL: 'silent', LAUNCHDAY_METRICS_TOKEN: METRICS_TOKEN },
                ['silent', METRICS_TOKEN]],
            [{ LAUNCHDAY_LOG_LEVEL: 'verbose' }, 'LAUNCHDAY_LOG_LEVEL'],
            [{ LAUNCHDAY_METRICS_TOKEN: 'short' }, 'LAUNCHDAY_METRICS_TOKEN'],
        ];
        for (const [env, expected] of table) {
            if (typeof expected === 'string') {
                assert.throws(() => loadConfig(env), (e) => e instanceof ConfigError
                    && e.message.startsWith(expected), JSON.stringify(env));
            }
            else {
                const c = loadConfig(env);
                assert.deepEqual([c.logLevel, c.metricsToken], expected, JSON.stringify(env));
            }
        }
    });
});
describe('logs', () => {
    it('logs a failed request once, as JSON at error, with its request id and no phone', async () => {
        const t = await launchday();
        try {
            // A store fault that quotes what it was asked, as database drivers' messages do.
            t.ld.app.deps.store.accountByPhone = async (phone) => {
                throw new Error(`connection lost while reading account ${phone}`);
            };
            // Sign-in reads the account on the request's way (a code request answers before it).
            const r = await t.call('POST', '/api/v1/sessions', { body: { phone: '13800138000',
                    code: '123456' }, headers: { 'x-request-id': 'req-fail-1' } });
            assert.equal(r.status, 500);
            assert.equal(r.body.error.code, 'internal_error');
            assert.equal(r.headers['x-request-id'], 'req-fail-1');
            const errors = t.lines().filter((l) => l.level === 'error');
            assert.equal(errors.length, 1, t.raw.join(''));
            assert.equal(errors[0].req_id, 'req-fail-1');
            assert.equal(errors[0].method, 'POST');
            assert.equal(errors[0].route, '/api/v1/sessions');
            assert.equal(errors[0].err.message, 'connection lost while reading account 138****8000');
            assert.ok(!t.raw.join('').includes('13800138000'));
        }
        finally {
            await t.close();
        }
    });
    it('logs each request at debug with its id, route pattern and status, and none at info', async () => {
        const table = [['debug', 3], ['info', 0]];
        for (const [level, expected] of table) {
            const t = await launchday({ LAUNCHDAY_LOG_LEVEL: level });
            try {
                await t.call('GET', '/api/v1/time', { headers: { 'x-request-id': 'r-time' } });
                await t.call('GET', '/api/v1/launches/no-such-launch');
                await t.call('GET', '/api/v1/orders/ord_x?phone=13800138000');
                const lines = t.lines().filter((l) => l.msg === 'request');
                assert.equal(lines.length, expected, level);
                if (level === 'info')
                    continue;
                assert.deepEqual(lines.map((l) => [l.route, l.status, l.code]), [
                    ['/api/v1/time', 200, null],
                    ['/api/v1/launches/:launch_id', 404, 'launch_not_found'],
                    ['/api/v1/orders/:order_id', 401, 'unauthorized'],
                ]);
                assert.equal(lines[0].req_id, 'r-time');
                assert.match(lines[1].req_id, UUID);
                // The raw URL, and so whatever a query carries, is never logged.
                assert.ok(!t.raw.join('').includes('13800138000'));
                assert.ok(!t.raw.join('').includes('no-such-launch'));
            }
            finally {
                await t.close();
            }
        }
    });
    it('logs refusals for load at warn, a few a second, and counts every one', async () => {
        const t = await launchday();
        try {
            overload(t.ld);
            const startedMs = performance.now();
            const ids = new Set();
            for (let n = 0; n < 60; n++) {
                const id = syntheticIdentity(n);
                const r = await t.call('POST', '/api/v1/accounts', { body: { phone: id.phone,
                        name: `Buyer ${n}`, id_number: id.idNumber } });
                assert.equal(r.status, 503);
                assert.equal(r.body.error.code, 'overloaded');
                assert.equal(r.headers['retry-after'], '1');
                ids.add(String(r.headers['x-request-id']));
            }
            const seconds = Math.ceil((performance.now() - startedMs) / 1000) + 1;
            const warns = t.lines().filter((l) => l.level === 'warn');
            assert.ok(warns.length >= 1 && warns.length <= 10 * seconds, `${warns.length} lines`);
            for (const w of warns) {
                assert.equal(w.code, 'overloaded');
                assert.equal(w.route, '/api/v1/accounts');
                assert.ok(ids.has(w.req_id));
            }
            const text = await t.metrics();
            assert.equal(sample(text, 'launchday_http_refusals_total', { method: 'POST', route: '/api/v1/accounts', code: 'overloaded' }), 60);
            assert.equal(sample(text, 'launchday_http_requests_total', { method: 'POST', route: '/api/v1/accounts', status: '503' }), 60);
            assert.ok(!t.raw.join('').includes(syntheticIdentity(0).phone));
        }
        finally {
            await t.close();
        }
    });
    it('counts and logs refusals for rate (429) like those for load', async () => {
        const raw = [];
        const t = await launchday();
        try {
            const telemetry = new RequestTelemetry(createLogger({ level: 'info',
                destination: { write: (s) => raw.push(s) } }), t.ld.metrics);
            const series = telemetry.series('POST', '/api/v1/sessions/code');
            for (let i = 0; i < 3; i++) {
                telemetry.replied(series, `r-${i}`, 429, 'rate_limited', performance.now());
            }
            const text = await t.metrics();
            assert.equal(sample(text, 'launchday_http_refusals_total', { method: 'POST', route: '/api/v1/sessions/code', code: 'rate_limited' }), 3);
            assert.equal(sample(text, 'launchday_http_requests_total', { method: 'POST', route: '/api/v1/sessions/code', status: '429' }), 3);
            assert.deepEqual(raw.map((s) => JSON.parse(s).req_id), ['r-0', 'r-1', 'r-2']);
        }
        finally {
            await t.close();
        }
    });
});
describe('GET /api/v1/metrics', () => {
    let t;
    let buyer;
    before(async () => {
        t = await launchday({ LAUNCHDAY_METRICS_TOKEN: METRICS_TOKEN });
        buyer = await t.buyer(1);
    });
    after(async () => {
        await t.close();
    });
    it('serves the operator and the metrics token, and refuses everyone else', async () => {
        const table = [
            ['nobody', undefined, 401, 'unauthorized'],
            ['an unknown token', 'not-a-token-at-all', 401, 'unauthorized'],
            ['a buyer', buyer, 403, 'admin_only'],
            ['the operator', ADMIN, 200, null],
            ['the metrics token', METRICS_TOKEN, 200, null],
        ];
        for (const [who, token, status, code] of table) {
            const r = await t.call('GET', '/api/v1/metrics', token === undefined ? {} : { token });
            assert.equal(r.status, status, who);
            if (code !== null) {
                assert.equal(r.body.error.code, code, who);
                assert.ok(!String(JSON.stringify(r.body)).includes('launchday_'), who);
            }
            else {
                assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/, who);
                assert.match(r.body, /^# HELP launchday_http_requests_total /m, who);
                assert.match(r.body, /^nodejs_eventloop_lag_p99_seconds /m, who);
                assert.match(r.body, /^process_resident_memory_bytes /m, who);
            }
        }
    });
    it('refuses the metrics token when none is configured', async () => {
        const u = await launchday();
        try {
            const r = await u.call('GET', '/api/v1/metrics', { token: METRICS_TOKEN });
            assert.equal(r.status, 401);
        }
        finally {
            await u.close();
        }
    });
    it('counts replies by route pattern and status, and times them', async () => {
        // [method, url, token, route label, status, times]
        const table = [
            ['GET', '/api/v1/time', undefined, '/api/v1/time', 200, 3],
            ['GET', '/api/v1/launches/yu7-2025', undefined, '/api/v1/launches/:launch_id', 200, 2],
            ['GET', '/api/v1/launches/zz-404', undefined, '/api/v1/launches/:launch_id', 404, 1],
            ['POST', '/api/v1/orders', undefined, '/api/v1/orders', 401, 2],
            ['GET', '/api/v1/orders', buyer, '/api/v1/orders', 200, 1],
            ['GET', '/api/v1/admin/orders?phone=13800138000', buyer, '/api/v1/admin/orders', 403, 1],
            ['GET', '/api/v1/no-such-route', undefined, 'unmatched', 404, 2],
            ['DELETE', '/api/v1/time', undefined, 'unmatched', 405, 1],
            ['GET', '/', undefined, 'page', 200, 1],
            ['GET', '/no-such-page', undefined, 'page', 404, 1],
        ];
        const key = (m, route, status) => ({ method: m, route,
            status: String(status) });
        const before = await t.metrics();
        for (const [method, url, token, , , times] of table) {
            for (let i = 0; i < times; i++) {
                await t.call(method, url, token === undefined ? {} : { token });
            }
        }
        const after = await t.metrics();
        const expected = new Map();
        for (const [method, , , route, status, times] of table) {
            const k = JSON.stringify(key(method, route, status));
            expected.set(k, (expected.get(k) ?? 0) + times);
        }
        for (const [k, times] of expected) {
            const labels = JSON.parse(k);
            const delta = sample(after, 'launchday_http_requests_total', labels)
                - sample(before, 'launchday_http_requests_total', labels);
            assert.equal(delta, times, k);
        }
        const count = (text) => sample(text, 'launchday_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/launches/:launch_id' });
        assert.equal(count(after) - count(before), 3);
        // The series are labelled by pattern: nothing of a raw URL is in the text.
        for (const rawPart of ['yu7-2025', 'zz-404', 'no-such', '13800138000']) {
            assert.ok(!after.includes(rawPart), rawPart);
        }
    });
    it('counts group-commit batches, their size and the wait before them', async () => {
        const before = await t.metrics();
        for (let n = 10; n < 13; n++)
            await t.buyer(n);
        const after = await t.metrics();
        const delta = (name) => sample(after, name) - sample(before, name);
        assert.ok(delta('launchday_commit_batches_total') >= 1);
        // The three registrations, and any of the system's own auto-lock rounds meanwhile.
        assert.ok(delta('launchday_commit_batch_commands_sum') >= 3);
        assert.equal(delta('launchday_commit_batch_commands_count'), delta('launchday_commit_batches_total'));
        assert.equal(delta('launchday_commit_queue_delay_seconds_count'), delta('launchday_commit_batches_total'));
        assert.equal(sample(after, 'launchday_commit_batch_failures_total'), 0);
        assert.equal(sample(after, 'launchday_commit_pending_commands'), 0);
    });
    it('reports the notification outbox by state, and nothing when the store does not answer', async () => {
        const store = t.ld.app.deps.store;
        const original = store.notificationCounts;
        try {
            store.notificationCounts = async () => ({ queued: 3, sending: 0, sent: 1, delivered: 9,
                failed: 2 });
            const text = await t.metrics();
            assert.match(text, /launchday_notifications\{state="queued"\} 3/);
            assert.match(text, /launchday_notifications\{state="failed"\} 2/);
            store.notificationCounts = async () => { throw new Error('store unreachable'); };
            assert.doesNotMatch(await t.metrics(), /launchday_notifications\{/);
        }
        finally {
            store.notificationCounts = original;
        }
    });
    it('reports the payment outbox, bounded, and NaN when the store does not answer', async () => {
        const store = t.ld.app.deps.store;
        const original = store.pendingPayments;
        try {
            const table = [
                [async () => [], 0],
                [async () => new Array(7).fill({}), 7],
                [async () => { throw new Error('store unreachable'); }, Number.NaN],
            ];
            for (const [answer, expected] of table) {
                store.pendingPayments = answer;
                assert.deepEqual(sample(await t.metrics(), 'launchday_payment_outbox_pending'), expected);
            }
        }
        finally {
            store.pendingPayments = original;
        }
    });
});
describe('store reachability', () => {
    it('reports the store as the function given says, and up by default', async () => {
        const table = [[{}, 1], [{ storeUp: () => 0 }, 0]];
        for (const [parts, expected] of table) {
            const t = await launchday({}, parts);
            try {
                assert.equal(sample(await t.metrics(), 'launchday_store_up'), expected);
            }
            finally {
                await t.close();
            }
        }
    });
});
/** One request on a connection of its own; the reply's status and headers. */
function rawRequest(port, head) {
    return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.setEncoding('latin1');
        socket.on('data', (c) => { text += c; });
        socket.on('error', reject);
        socket.on('end', () => {
            const [top = ''] = text.split('\r\n\r\n');
            const [statusLine = '', ...lines] = top.split('\r\n');
            const headers = {};
            for (const l of lines) {
                const at = l.indexOf(':');
                headers[l.slice(0, at).toLowerCase()] = l.slice(at + 1).trim();
            }
            resolve({ status: Number(statusLine.split(' ')[1]), headers });
        });
        socket.write(`${head}\r\nHost: launchday.test\r\nConnection: close\r\n\r\n`);
    });
}
describe('request ids on the lane and on node:http', () => {
    let server;
    let dir;
    let port;
    let logger;
    before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'launchday-obs-lane-'));
        logger = silentLogger();
        server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
            LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_DEMO_LAUNCH: 'off' }), { logger });
        port = Number(new URL(server.url).port);
    });
    after(async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
    });
    it('echoes a sane X-Request-Id, or gives a new one, whichever side answers', async () => {
        // [request line and headers, served by, status]
        const table = [
            ['GET /api/v1/time HTTP/1.1', 'lane', 200],
            ['POST /api/v1/orders HTTP/1.1\r\nContent-Length: 0', 'lane', 401],
            ['GET /api/v1/no-such-route HTTP/1.1', 'lane', 404],
            ['GET /api/v1/time HTTP/1.0', 'node', 200],
            // A page in memory is the lane's; one there is not goes to node:http, which says so.
            ['GET / HTTP/1.1', 'lane', 200],
            ['GET /no-such-page HTTP/1.1', 'node', 404],
            // A repeated header: the lane leaves its merging rules to node:http.
            ['GET /api/v1/time HTTP/1.1\r\nAccept: a\r\nAccept: b', 'node', 200],
        ];
        const laneBefore = await laneCount();
        let laneServed = 0;
        for (const [head, side, status] of table) {
            if (side === 'lane')
                laneServed += 2;
            const given = await rawRequest(port, `${head}\r\nX-Request-Id: edge-${side}-7`);
            assert.equal(given.status, status, head);
            assert.equal(given.headers['x-request-id'], `edge-${side}-7`, head);
            const fresh = await rawRequest(port, `${head}\r\nX-Request-Id: ${'x'.repeat(65)}`);
            assert.match(fresh.headers['x-request-id'] ?? '', UUID, head);
        }
        assert.equal(await laneCount() - laneBefore, laneServed);
    });
    it('counts live viewers', async () => {
        const controller = new AbortController();
        const r = await fetch(`${server.url}/api/v1/launches/yu7-2025/live`, { signal: controller.signal });
        assert.equal(r.status, 200);
        assert.match(r.headers.get('x-request-id') ?? '', UUID);
        try {
            assert.equal(sample(await scrape(), 'launchday_live_viewers'), 1);
        }
        finally {
            controller.abort();
        }
    });
    async function scrape() {
        const r = await fetch(`${server.url}/api/v1/metrics`, { headers: { authorization: `Bearer ${ADMIN}`, connection: 'close' } });
        assert.equal(r.status, 200);
        return r.text();
    }
    async function laneCount() {
        return sample(await scrape(), 'launchday_lane_requests_total');
    }
});
//# sourceMappingURL=observability.test.js.map