/// <reference types="node" />
// The buyer's order page once production has a plan and builds the car (issue 15): the estimate
// as a calendar window ("between 14 and 27 December 2026"), the stage tracker at "scheduled",
// the VIN with its build day, and the messages received with their time, in English and in
// Chinese. A reply whose `status` itself says `scheduled` (the status that comes with the next
// step of production) is shown the same way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { withCheckCharacter } from '../../src/production/vin.js';
import {
  ADMIN_TOKEN,
  apiBuyer,
  phoneContext,
  screenshots,
  signInPage,
  startServerAndBrowser,
  unlabelledControls,
  type Server,
} from './web-harness.js';

const LAUNCH = 'yu7-2025';
const WEEK_MS = 7 * 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
const monday = (ms: number): number => {
  const epoch = Date.UTC(2024, 0, 1) - BEIJING_MS;
  return epoch + Math.floor((ms - epoch) / WEEK_MS) * WEEK_MS;
};
const beijingDate = (ms: number): string => new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
const ymd = (d: string) => d.split('-').map(Number) as [number, number, number];

let server: Server;
let browser: Browser;
let buyer: { token: string };
let orderId: string;
let window: { from: string; to: string };
const VIN = withCheckCharacter('LXMYU7AB0T0000042');
let builtOn: string;
const pageErrors: string[] = [];

before(async () => {
  [server, browser] = await startServerAndBrowser();
  buyer = await apiBuyer(server, 90);
  const o = await server.api('POST', '/orders', { launch_id: LAUNCH, trim: 'pro', options: [],
    city: 'beijing' }, buyer.token, { 'idempotency-key': 'prod-orders-1' });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  orderId = o.body.order_id;
  const week0 = monday(Date.now());
  const plan = await server.api('POST', '/admin/production-plans', { launch_id: LAUNCH,
    trim: 'pro', rates: [{ from: beijingDate(week0), units_per_week: 100 }],
    reason: 'first plan' }, ADMIN_TOKEN);
  assert.equal(plan.status, 201, JSON.stringify(plan.body));
  const locked = await server.api('POST', `/orders/${orderId}/lock`, { confirm: true },
    buyer.token);
  assert.equal(locked.status, 200);
  window = locked.body.estimate.window;
  assert.ok(window, 'the plan gives the estimate a window');
  builtOn = beijingDate(week0);
  const run = await server.api('POST', '/admin/production-runs', { launch_id: LAUNCH,
    built_on: builtOn, cars: [{ vin: VIN, trim: 'pro' }], reason: 'week 1' }, ADMIN_TOKEN);
  assert.deepEqual(run.body.allocated, [{ vin: VIN, order_id: orderId }]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function ordersPage(lang: 'en' | 'zh'): Promise<Page> {
  const page = await (await phoneContext(browser, lang)).newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/orders`);
  await page.locator(`#order-${orderId}`).waitFor();
  return page;
}

/** The stages as drawn: [stage, done?, current?]. */
const stages = (page: Page) =>
  page.$$eval(`#order-${orderId} ol.stages li`, (lis) => lis.map((li) =>
    [li.getAttribute('data-stage'), li.classList.contains('done'),
      li.getAttribute('aria-current') === 'step']));

// A car is allocated once built: the order is scheduled and its delivery at `built`, the stage
// the tracker marks as current (the latest of status, stage and delivery.stage).
const SCHEDULED = [['placed', true, false], ['cooling_off', true, false],
  ['locked', true, false], ['scheduled', true, false], ['built', false, true],
  ['ready', false, false], ['delivered', false, false]];

test('English: the window in words, scheduled with its VIN, and the messages received',
  async () => {
    const page = await ordersPage('en');
    const card = page.locator(`#order-${orderId}`);
    assert.deepEqual(await stages(page), SCHEDULED);
    // The status itself is scheduled now (no "Locked" badge beside a "Scheduled" stage).
    assert.match((await card.locator('h2').textContent()) ?? '', /Pro\s*Scheduled$/);
    const [fy, fm, fd] = ymd(window.from);
    const [ty, tm, td] = ymd(window.to);
    const words = fy !== ty
      ? `${fd} ${MONTHS[fm - 1]} ${fy} and ${td} ${MONTHS[tm - 1]} ${ty}`
      : fm !== tm ? `${fd} ${MONTHS[fm - 1]} and ${td} ${MONTHS[tm - 1]} ${ty}`
        : `${fd} and ${td} ${MONTHS[tm - 1]} ${ty}`;
    assert.match((await card.locator('.estimate').textContent()) ?? '',
      new RegExp(`^between ${words} \\(\\d+–\\d+ weeks\\) · by your lock time$`));
    const [by, bm, bd] = ymd(builtOn);
    assert.equal(await card.locator('.vin-text').textContent(),
      `${VIN} · built on ${bd} ${MONTHS[bm - 1]} ${by}`);
    assert.match((await card.locator('dl.kv').textContent()) ?? '',
      /held \(no longer refundable: locked\)/);
    await card.locator('details.order-messages summary').click();
    const scheduled = card.locator('ol.messages li[data-kind="order_scheduled"]');
    await scheduled.waitFor();
    assert.ok(((await scheduled.textContent()) ?? '').includes(VIN), 'the VIN is in the message');
    assert.match((await scheduled.locator('time').textContent()) ?? '',
      /^(received|sent|written) \d+ \w+ \d{4}, \d{2}:\d{2} \(Beijing time\)$/);
    // The word follows the delivery state shown beside it: "received" only once delivered.
    const state = await scheduled.locator('.badge').textContent();
    const word = { Delivered: 'received', Sent: 'sent' }[state ?? ''] ?? 'written';
    assert.ok(((await scheduled.locator('time').textContent()) ?? '').startsWith(word), state!);
    assert.equal(await card.locator('ol.messages li[data-kind="order_locked"]').count(), 1);
    assert.deepEqual(await unlabelledControls(page), []);
    await screenshots(page, 'orders-scheduled-en');
    await page.context().close();
  });

test('Chinese: the same order', async () => {
  const page = await ordersPage('zh');
  const card = page.locator(`#order-${orderId}`);
  assert.deepEqual(await stages(page), SCHEDULED);
  assert.match((await card.locator('li[aria-current="step"]').textContent()) ?? '', /已生产/);
  const [fy, fm, fd] = ymd(window.from);
  assert.match((await card.locator('.estimate').textContent()) ?? '',
    new RegExp(`^${fy}年${fm}月${fd}日至(\\d{4}年)?(\\d+月)?\\d+日之间（\\d+–\\d+ 周） · 按锁定时间计算$`));
  assert.match((await card.locator('dl.kv').textContent()) ?? '', /车架号（VIN）/);
  const [by, bm, bd] = ymd(builtOn);
  assert.equal(await card.locator('.vin-text').textContent(), `${VIN} · ${by}年${bm}月${bd}日下线`);
  await card.locator('details.order-messages summary').click();
  const scheduled = card.locator('ol.messages li[data-kind="order_scheduled"]');
  await scheduled.waitFor();
  assert.ok(((await scheduled.textContent()) ?? '').includes(VIN));
  assert.match((await scheduled.locator('time').textContent()) ?? '',
    /^(收到|发送|生成)于 \d{4}年\d+月\d+日/);
  await screenshots(page, 'orders-scheduled-zh');
  await page.context().close();
});

test('a reply whose status is "scheduled" (no separate stage) reads the same', async () => {
  const context = await phoneContext(browser, 'en');
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // The reply as it will be once orders have the status: `status` scheduled, no `stage`.
  await page.route('**/api/v1/orders', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const o of body.orders) {
      if (o.stage === 'scheduled') {
        o.status = 'scheduled';
        delete o.stage;
      }
    }
    await route.fulfill({ response: res, json: body });
  });
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/orders`);
  const card = page.locator(`#order-${orderId}`);
  await card.waitFor();
  assert.deepEqual(await stages(page), SCHEDULED);
  assert.equal((await card.locator('h2 .badge').allTextContents()).join('|'), 'Scheduled');
  assert.match((await card.locator('dl.kv').textContent()) ?? '',
    /held \(no longer refundable: locked\)/);
  assert.equal(await card.locator('.vin-text').count(), 1);
  await context.close();
  assert.deepEqual(pageErrors, []);
});
