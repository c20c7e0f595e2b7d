/// <reference types="node" />
// What a buyer is told around a drop, in a browser, in both languages (issue #17, new-user
// review): the waiting room in front of a drop and of a launch, before the opening, on the drop,
// launch and configure pages; the drops list; a car drop's deposit said with what it is for; a
// waitlist offer's Decline; "purchase", not "order"; and drop purchases in My orders.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, apiBuyer, phoneContext, screenshots, signInPage, startServerAndBrowser,
  type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
let launchId: string;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

const page = async (lang: 'en' | 'zh', token?: string): Promise<Page> => {
  const p = await (await phoneContext(browser, lang)).newPage();
  if (token) await signInPage(p, server.url, token);
  return p;
};

before(async () => {
  [server, browser] = await startServerAndBrowser();
  const put = async (path: string, body: object) => {
    const r = await server.api('PUT', path, body, ADMIN_TOKEN);
    assert.ok(r.status === 201 || r.status === 200, `${path}: ${JSON.stringify(r.body)}`);
  };
  // A jacket opening in two hours behind a shuffled room whose line opens in an hour; a car on
  // sale now, with no room.
  // A room opens when its target does (one instant, read once).
  const jacketOpens = at(2 * HOUR);
  await put('/admin/drops/jacket', { name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch',
    price_fen: 129_900, opens_at: jacketOpens, per_account_limit: 1, per_identity_limit: 1,
    variants: [{ variant: 'm', name: 'M', name_zh: 'M码', quantity: 5 }] });
  await put('/admin/drops/founders', { name: 'SU7 Founder\'s Edition', name_zh: 'SU7 创始版',
    kind: 'car', price_fen: 29_990_000, deposit_fen: 2_000_000, opens_at: at(-1000),
    per_account_limit: 1, per_identity_limit: 1,
    variants: [{ variant: 'max', name: 'Max', name_zh: 'Max', quantity: 1 }] });
  await put('/admin/waiting-rooms/jacket-line', { scope: 'drop', target_id: 'jacket',
    enabled: true, opens_at: jacketOpens, prequeue_at: at(HOUR), admit_per_minute: 60,
    active_max: 3, pass_seconds: 120, grace_seconds: 60 });
  const launch = (await server.api('GET', '/launches')).body.launches[0];
  launchId = launch.launch_id;
  // The launch opened already: its room is in arrival order (a shuffle stands before its opening).
  await put(`/admin/waiting-rooms/launch-line`, { scope: 'launch', target_id: launchId,
    enabled: true, suspended: true, order: 'fifo', opens_at: launch.opens_at,
    prequeue_at: new Date(Date.parse(launch.opens_at) - HOUR).toISOString(),
    admit_per_minute: 60, active_max: 3, pass_seconds: 120, grace_seconds: 60 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a drop behind a room says so before the opening, with the way to its line', async () => {
  const en = await page('en');
  await en.goto(`${server.url}/drop?id=jacket`);
  await en.locator('.room-note').waitFor();
  const note = (await en.textContent('.room-note')) ?? '';
  assert.match(note, /This sale has a waiting room: join its line from .*random order/);
  assert.equal(await en.getAttribute('[data-room-link]', 'href'),
    '/waiting-room?room=jacket-line');
  // The opening with a live countdown to it (drop_not_open says to wait for the countdown).
  // Two hours less the time since the setup, counted up to the second: 02:00:00 when the page
  // came up within a second of it.
  const LEFT = '(?:02:00:00|01:5\\d:\\d\\d)';
  const left = (await en.textContent('#drop-countdown')) ?? '';
  assert.match(left, new RegExp(`^${LEFT}$`), 'two hours less the time since the setup');
  assert.match((await en.textContent('#drop-state')) ?? '',
    new RegExp(`^Opens .* · in ${LEFT}$`));
  await en.waitForFunction((was) => document.getElementById('drop-countdown')?.textContent
    !== was, left, { timeout: 3000 });
  await screenshots(en, 'drop-room-note');
  const zh = await page('zh');
  await zh.goto(`${server.url}/drop?id=jacket`);
  await zh.locator('.room-note').waitFor();
  assert.match((await zh.textContent('.room-note')) ?? '', /本次发售设有排队室.*随机排序/);
  assert.match((await zh.textContent('#drop-state')) ?? '',
    new RegExp(`^开售时间 .* · 还有 ${LEFT}$`));
  // No room in front of the car: nothing said of one.
  await en.goto(`${server.url}/drop?id=founders`);
  await en.locator('[data-row="max"]').waitFor();
  assert.equal(await en.locator('.room-note').count(), 0);
});

test('a launch\'s suspended room is said to be paused, on the launch and configure pages',
  async () => {
    for (const [lang, paused] of [['en', /waiting room is paused/], ['zh', /排队室已暂停/]] as const) {
      const p = await page(lang);
      await p.goto(`${server.url}/?launch=${launchId}`);
      await p.locator('.room-note').waitFor();
      assert.match((await p.textContent('.room-note')) ?? '', paused);
      await p.goto(`${server.url}/configure?launch=${launchId}`);
      await p.locator('.room-note').waitFor();
      assert.match((await p.textContent('.room-note')) ?? '', paused);
      assert.equal(await p.getAttribute('[data-room-link]', 'href'),
        '/waiting-room?room=launch-line');
    }
  });

test('the drops page lists each drop: opening, what is left, its room; linked from the nav',
  async () => {
    for (const [lang, nav, left, room] of [['en', 'Drops', /5 of 5 left/, /waiting room/],
      ['zh', '限量发售', /剩余 5 \/ 5/, /排队室/]] as const) {
      const p = await page(lang);
      await p.goto(`${server.url}/`);
      await p.click(`nav a[href="/drops"]`);
      await p.locator('[data-drop="jacket"]').waitFor();
      assert.match((await p.textContent('nav')) ?? '', new RegExp(nav));
      const jacket = (await p.textContent('[data-drop="jacket"]')) ?? '';
      assert.match(jacket, lang === 'en' ? /Limited jacket.*Opens/ : /限量夹克.*开售时间/);
      assert.match(jacket, left);
      assert.match(jacket, room);
      assert.equal(await p.locator('[data-drop="founders"] .room-note').count(), 0);
      assert.equal(await p.getAttribute('[data-drop="jacket"] h2 a', 'href'), '/drop?id=jacket');
      if (lang === 'en') await screenshots(p, 'drops-list');
    }
  });

test('a car drop says what its deposit is for; its purchase shows in My orders', async () => {
  const buyer = await apiBuyer(server, 51);
  const en = await page('en', buyer.token);
  await en.goto(`${server.url}/drop?id=founders`);
  await en.locator('#drop-price').waitFor();
  assert.match((await en.textContent('#drop-price')) ?? '',
    /Deposit ¥20,000(\.00)? for one SU7 Founder's Edition \(the car's price: ¥299,900/);
  assert.match((await en.textContent('#deposit-for')) ?? '', /not refundable/);
  // The button names the deposit; a tap asks first, saying it is never refunded.
  assert.match((await en.textContent('[data-variant="max"]')) ?? '',
    /^Buy Max: pay the ¥20,000(\.00)? deposit$/);
  await en.click('[data-variant="max"]');
  const dialog = en.locator('dialog[open]');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '',
    /¥20,000(\.00)? deposit locks the moment you pay and is never refunded/);
  assert.match((await dialog.locator('[data-role="confirm"]').textContent()) ?? '',
    /Pay ¥20,000(\.00)? \(non-refundable\)/);
  // Going back buys nothing.
  await dialog.getByText('Go back').click();
  await dialog.waitFor({ state: 'detached' });
  const figures = (await server.api('GET', '/drops/founders')).body;
  assert.equal(figures.variants[0].remaining, 1, 'nothing held or paid before the confirmation');
  await en.click('[data-variant="max"]');
  await en.click('dialog[open] [data-role="confirm"]');
  await en.locator('.notice').waitFor();
  // The only car is sold: said of cars, not sizes.
  await en.waitForFunction(() => /Sold out: every car is sold/.test(
    document.getElementById('drop-state')?.textContent ?? ''), null, { timeout: 5000 });
  await en.goto(`${server.url}/orders`);
  await en.locator('#drop-purchases').waitFor();
  const mine = (await en.textContent('#drop-purchases')) ?? '';
  assert.match(mine, /SU7 Founder's Edition · Max × 1/);
  assert.match(mine, /Deposit ¥20,000.* paid on .*locked, not refundable/);
  await screenshots(en, 'orders-drop-purchase');
  const zh = await page('zh', buyer.token);
  await zh.goto(`${server.url}/orders`);
  await zh.locator('#drop-purchases').waitFor();
  assert.match((await zh.textContent('#drop-purchases')) ?? '', /SU7 创始版.*已于.*支付并锁定，不可退还/);
});

test('an offer can be declined; a refusal of a purchase speaks of buying, not ordering',
  async () => {
    const buyer = await apiBuyer(server, 52);
    for (const [lang, decline, pass] of [['en', 'Decline', /a pass to buy with/],
      ['zh', '放弃', /购买凭证/]] as const) {
      const p = await page(lang, buyer.token);
      const expires = at(600_000);
      let cancelled = 0;
      await p.route('**/api/v1/drops/founders/mine', async (route) => {
        const r = await route.fetch();
        const body = await r.json();
        body.waitlist = cancelled ? [] : [{ entry_id: 'wle_z', drop_id: 'founders',
          variant: 'max', status: 'offered', joined_at: at(-60_000), ahead: 0,
          offer_hold_id: 'hld_z' }];
        body.holds = cancelled ? [] : [{ hold_id: 'hld_z', drop_id: 'founders', variant: 'max',
          quantity: 1, status: 'held', amount_fen: 2_000_000, created_at: at(-1000),
          expires_at: expires, settled_at: null, source: 'waitlist' }];
        await route.fulfill({ response: r, json: body });
      });
      await p.route('**/api/v1/drops/founders/holds/hld_z/cancel', (route) => {
        cancelled++;
        return route.fulfill({ status: 200, json: { hold: { hold_id: 'hld_z',
          drop_id: 'founders', variant: 'max', quantity: 1, status: 'cancelled',
          amount_fen: 2_000_000, created_at: at(-1000), expires_at: expires,
          settled_at: at(0), source: 'waitlist' } } });
      });
      await p.goto(`${server.url}/drop?id=founders`);
      await p.locator('#decline-offer').waitFor();
      // Paying the offer names the deposit and asks first, as a purchase does.
      assert.match((await p.textContent('#pay-offer')) ?? '',
        lang === 'en' ? /Pay the ¥20,000(\.00)? deposit for Max/
          : /支付定金 ¥20,000(\.00)? 购买 Max/);
      await p.click('#pay-offer');
      await p.locator('dialog[open]').waitFor();
      assert.match((await p.textContent('dialog[open]')) ?? '',
        lang === 'en' ? /never refunded/ : /永不退还/);
      await p.locator('dialog[open] button.secondary').click();
      assert.equal((await p.textContent('#decline-offer'))?.trim(), decline);
      await p.click('#decline-offer');
      await p.locator('.notice').waitFor();
      assert.equal(cancelled, 1);
      assert.match((await p.textContent('.notice')) ?? '',
        lang === 'en' ? /declined .*next in line/ : /转给候补中的下一位/);
      // Behind a waiting room without a pass: the way in, said as a purchase (another buyer,
      // for whom the car is on sale).
      const other = await page(lang, (await apiBuyer(server, lang === 'en' ? 53 : 54)).token);
      await other.route('**/api/v1/drops/founders', async (route) => {
        const r = await route.fetch();
        const body = await r.json();
        body.variants[0] = { ...body.variants[0], remaining: 1, sold: 0, sold_out: false,
          sold_out_for_good: false };
        await route.fulfill({ response: r, json: body });
      });
      await other.route('**/api/v1/drops/founders/purchases', (route) => route.fulfill({
        status: 403, json: { error: { code: 'waiting_room_pass_required',
          message: 'A pass is required.', room_id: 'r', room_url: '/waiting-room?room=r' } } }));
      await other.goto(`${server.url}/drop?id=founders`);
      await other.click('[data-variant="max"]');
      await other.click('dialog[open] [data-role="confirm"]');
      await other.locator('.error').waitFor();
      const error = (await other.textContent('.error')) ?? '';
      assert.match(error, pass);
      assert.doesNotMatch(error, lang === 'en' ? /order/i : /下单/);
    }
  });
