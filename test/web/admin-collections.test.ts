/// <reference types="node" />
// The operator console's deliveries tab, in a browser: overdue balances say where each stands
// (a part under way waited for; the notice sent and the grace running), and balance parts
// awaiting the provider list what the collection reconciler has done about them and when it
// asks next; in English and in Chinese. The server runs in this process with a provider whose
// collections never settle (so a part stays pending for real) and a simulated clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { syntheticIdentity } from '../../src/accounts/identity.js';
import { loadConfig } from '../../src/kernel/config.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { withCheckCharacter } from '../../src/production/vin.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { HeldCollections } from '../delivery-fixtures.js';
import { ADMIN_TOKEN, apiAt, launchBrowser, screenshots, signedInConsole } from './web-harness.js';

let server: RunningServer;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'launchday-web-collections-'));

before(async () => {
  server = await startServer(loadConfig({ LAUNCHDAY_PORT: '0', LAUNCHDAY_HOST: '127.0.0.1',
    LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_ADMIN_TOKEN: ADMIN_TOKEN, LAUNCHDAY_CLOCK: 'simulated',
    LAUNCHDAY_CLOCK_START: '2025-06-26T13:59:00Z', LAUNCHDAY_DEMO_LAUNCH: 'off',
    LAUNCHDAY_RATE_LIMITS: 'per-address-off', LAUNCHDAY_SESSION_ABSOLUTE_SECONDS: '31536000',
    LAUNCHDAY_SESSION_IDLE_SECONDS: '31536000' }), { logger: silentLogger(),
    payments: new HeldCollections({ notifyDelayMs: [0, 0], random: () => 0.99 }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, token = ADMIN_TOKEN,
  key?: string): Promise<any> {
  // A 503 overloaded on a busy machine is asked again, as the other browser tests' calls are.
  const r = await apiAt(server.url, method, path, body, token,
    key ? { 'idempotency-key': key } : {});
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A locked SU7 order of buyer `n`, its car built and ready at the centre. */
async function readyOrder(n: number): Promise<{ token: string; orderId: string }> {
  const id = syntheticIdentity(n);
  const { token } = await api('POST', '/accounts', { phone: id.phone, name: `Buyer ${n}`,
    id_number: id.idNumber });
  const { order_id: orderId } = await api('POST', '/orders', { launch_id: 'su7-2024',
    trim: 'standard', options: [], city: 'beijing' }, token, `o${n}`);
  await api('POST', `/orders/${orderId}/lock`, { confirm: true }, token);
  const run = await api('POST', '/admin/production-runs', { launch_id: 'su7-2024',
    built_on: '2025-08-01', reason: 'web test', cars: [{ vin: withCheckCharacter(
      `LXMSU7AB0C${String(n).padStart(7, '0')}`), trim: 'standard', options: [] }] });
  assert.equal(run.allocated[0].order_id, orderId);
  await api('POST', `/admin/orders/${orderId}/ready`);
  return { token, orderId };
}

/** The console's deliveries tab, signed in as the operator, in `lang`. */
async function deliveriesTab(lang: 'en' | 'zh'): Promise<Page> {
  const page = await signedInConsole(browser, server,
    { lang, viewport: 'phone', tab: 'deliveries' });
  await page.locator('#d-pending-table').waitFor();
  return page;
}

test('overdue balances with their state, and parts awaiting the provider, in both languages',
  async () => {
    const paying = await readyOrder(1);
    const silent = await readyOrder(2);
    const owed = (await api('GET', `/orders/${paying.orderId}/delivery`, undefined,
      paying.token)).balance.balance_fen as number;
    const part = Math.floor(owed / 2);
    await api('POST', `/orders/${paying.orderId}/balance/parts`, { amount_fen: part,
      method: 'bank_transfer' }, paying.token, 'half');
    // Past the deadline: the sweep sends the reminder and the notice; the grace runs.
    await api('POST', '/admin/clock', { advance_seconds: 22 * 86_400 });
    await server.app.deliveries.sweep();
    // The provider never heard of the part: the reconciler hands it over again and waits.
    assert.equal((await server.app.deliveries.reconcileCollections()).resent, 1);

    const en = await deliveriesTab('en');
    const overdue = (await en.textContent('#d-overdue-table')) ?? '';
    assert.match(overdue, new RegExp(`${paying.orderId}.*under way: waited for`));
    assert.match(overdue, new RegExp(`${silent.orderId}.*Notice sent: in grace`));
    const pending = (await en.textContent('#d-pending-table')) ?? '';
    assert.match(pending, new RegExp(`${paying.orderId}.*Bank transfer`));
    assert.match(pending, /Still under way \(questions to the provider: 1\); asked again at/);
    assert.match((await en.textContent('#main')) ?? '',
      /Balance parts awaiting the provider \(1\)/);
    await screenshots(en, 'admin-collections');

    const zh = await deliveriesTab('zh');
    assert.match((await zh.textContent('#d-overdue-table')) ?? '', /已发逾期通知，宽限期中/);
    assert.match((await zh.textContent('#d-overdue-table')) ?? '', /正在支付中/);
    const zhPending = (await zh.textContent('#d-pending-table')) ?? '';
    assert.match(zhPending, /银行转账/);
    assert.match(zhPending, /已查询 1 次，仍在处理/);
    await screenshots(zh, 'admin-collections-zh');
  });
