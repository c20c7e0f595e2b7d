/// <reference types="node" />
// Messages to buyers on the pages: a lock's text is listed under its order (in Chinese, with its
// delivery state), and the operator's console lists the outbox with each message's state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  apiBuyer,
  phoneContext,
  screenshots,
  signedInConsole,
  signInPage,
  startServerAndBrowser,
  unlabelledControls,
  type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
let orderId: string;
let buyer: { token: string; phone: string };

before(async () => {
  [server, browser] = await startServerAndBrowser();
  buyer = await apiBuyer(server, 41);
  const placed = await server.api(
    'POST',
    '/orders',
    { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' },
    buyer.token,
    { 'idempotency-key': 'web-messages-1' },
  );
  orderId = placed.body.order_id;
  const locked = await server.api(
    'POST',
    `/orders/${orderId}/lock`,
    { confirm: true },
    buyer.token,
  );
  assert.equal(locked.status, 200);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the order page lists the messages sent about the order', async () => {
  const page = await (await phoneContext(browser, 'zh')).newPage();
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/orders`);
  const card = page.locator(`#order-${orderId}`);
  await card.locator('details.order-messages summary').click();
  const list = card.locator('ol.messages li');
  await list.first().waitFor();
  assert.match((await list.first().textContent()) ?? '', /已锁单，排产序号 1/);
  assert.match((await list.first().textContent()) ?? '', /待发送|发送中|已发送|已送达/);
  await screenshots(page, 'orders-messages');
});

test('the console lists the outbox with each message\'s state', async () => {
  const admin = await signedInConsole(browser, server, { tab: 'notifications' });
  const row = admin.locator('#notifications tbody tr').first();
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(orderId));
  assert.match((await admin.textContent('#n-counts')) ?? '', /Queued \d+ · Sending \d+/);
  await admin.selectOption('#n-state', 'failed');
  await admin.locator('main p', { hasText: 'No messages.' }).waitFor();
  assert.deepEqual(await unlabelledControls(admin), []);
  await screenshots(admin, 'admin-notifications');
});
