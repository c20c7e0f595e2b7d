/// <reference types="node" />
// The operator's payments tab: a notification launchday could not match shows up as an anomaly,
// with the count of refunds not settled in time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { sign } from '../../src/payments/payment-signature.js';
import {
  screenshots,
  signedInConsole,
  startServerAndBrowser,
  unlabelledControls,
  type Server,
} from './web-harness.js';

const SECRET = 'web-test-payment-secret-0123456789';
let server: Server;
let browser: Browser;

before(async () => {
  [server, browser] = await startServerAndBrowser({ LAUNCHDAY_PAYMENT_SECRET: SECRET });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the payments tab lists a notification that matched no refund', async () => {
  const body = JSON.stringify({ event_id: 'evt_web_1', type: 'refund.succeeded',
    reference: 'dep_web_unknown', amount_fen: 500_000, occurred_at: new Date().toISOString() });
  const r = await server.api('POST', '/payments/notifications', JSON.parse(body), undefined,
    { 'payment-signature': sign(SECRET, Date.now(), body) });
  assert.equal(r.body.anomaly, 'refund_not_requested');
  const admin = await signedInConsole(browser, server, { tab: 'payments' });
  const table = admin.locator('#payment-anomalies');
  await table.waitFor();
  const text = (await table.textContent()) ?? '';
  assert.match(text, /dep_web_unknown/);
  assert.match(text, /never asked for/);
  assert.match((await admin.locator('main h2').first().textContent()) ?? '',
    /Refunds not settled after 60 minutes: 0/);
  assert.deepEqual(await unlabelledControls(admin), []);
  await screenshots(admin, 'admin-payments');
});
