/// <reference types="node" />
// The drop page in a browser: the live remaining count per size, a purchase, sold out shown at
// once, and the waitlist for a sold-out size, in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, apiBuyer, phoneContext, screenshots, signInPage, startServerAndBrowser,
  type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
let page: Page;

before(async () => {
  [server, browser] = await startServerAndBrowser();
  const put = await server.api('PUT', '/admin/drops/jacket', {
    name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch', price_fen: 129_900,
    opens_at: new Date(Date.now() - 1000).toISOString(), per_account_limit: 1,
    per_identity_limit: 1, variants: [
      { variant: 's', name: 'S', name_zh: 'S码', quantity: 1 },
      { variant: 'm', name: 'M', name_zh: 'M码', quantity: 5 }] }, ADMIN_TOKEN);
  assert.equal(put.status, 201, JSON.stringify(put.body));
  page = await (await phoneContext(browser, 'en')).newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a buyer sees what is left, buys the last S, and sold out shows at once', async () => {
  const buyer = await apiBuyer(server, 31);
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/drop?id=jacket`);
  await page.locator('[data-row="s"]').waitFor();
  assert.match((await page.textContent('[data-row="s"]')) ?? '', /1 of 1 left/);
  // Merchandise: one tap, and the button names what it charges.
  assert.match((await page.textContent('[data-variant="s"]')) ?? '', /^Buy S · ¥1,299(\.00)?$/);
  await page.click('[data-variant="s"]');
  await page.locator('.notice').waitFor();
  assert.match((await page.textContent('.notice')) ?? '', /Bought: S/);
  assert.match((await page.textContent('[data-row="s"]')) ?? '', /Sold out/);
  await screenshots(page, 'drop-bought');
  // The note is said again in the language switched to (it stayed "Bought: S" in Chinese).
  await page.click('#lang-switch');
  assert.match((await page.textContent('.notice')) ?? '', /购买成功：S码，1 件/);
  await page.click('#lang-switch');
  assert.match((await page.textContent('.notice')) ?? '', /Bought: S/);
});

test('a buyer at the per-account limit is told so, and offered no Buy for the other sizes',
  async () => {
    // The buyer above bought the S; the drop allows one per account, so the M on sale is not
    // for them: the page says so instead of a button the server would refuse.
    await page.reload();
    await page.locator('[data-row="m"]').waitFor();
    assert.match((await page.textContent('[data-row="m"]')) ?? '', /5 of 5 left/);
    assert.equal(await page.locator('[data-variant="m"]').count(), 0);
    assert.match((await page.textContent('[data-row="m"]')) ?? '', /reached .*limit of 1/);
  });

test('another buyer, in Chinese, is offered the waitlist for a sold-out size', async () => {
  const other = await apiBuyer(server, 32);
  const zh = await (await phoneContext(browser, 'zh')).newPage();
  await signInPage(zh, server.url, other.token);
  await zh.goto(`${server.url}/drop?id=jacket`);
  await zh.locator('[data-row="s"]').waitFor();
  assert.match((await zh.textContent('[data-row="s"]')) ?? '', /已售罄/);
  // S is sold for good (paid): no unit can come back, so no waitlist; M is on sale.
  assert.equal(await zh.locator('[data-join="s"]').count(), 0);
  assert.equal(await zh.locator('[data-variant="m"]').count(), 1);
  // Seen while a buyer's payment is still under way (one S held): the page offers the
  // waitlist, and shows the place the server gives.
  await zh.route('**/api/v1/drops/jacket', async (route) => {
    const r = await route.fetch();
    const body = await r.json();
    body.variants[0] = { ...body.variants[0], held: 1, sold: 0, sold_out_for_good: false };
    await route.fulfill({ response: r, json: body });
  });
  await zh.route('**/api/v1/drops/jacket/waitlist', (route) => route.fulfill({ status: 201,
    json: { entry: { entry_id: 'wle_x', drop_id: 'jacket', variant: 's', status: 'waiting',
      joined_at: new Date().toISOString(), ahead: 3, offer_hold_id: null } } }));
  await zh.reload();
  await zh.locator('[data-join="s"]').waitFor();
  assert.match((await zh.textContent('[data-row="s"]')) ?? '', /1 件正在付款/);
  assert.doesNotMatch((await zh.textContent('main')) ?? '', /null|undefined/);
  await zh.click('[data-join="s"]');
  await zh.locator('.notice').waitFor();
  assert.match((await zh.textContent('.notice')) ?? '', /前面还有 3 人/);
  await screenshots(zh, 'drop-waitlist-zh');
  // Once in line the page shows the place and offers no second join (it offered "Join" beside
  // "0 ahead of you": the new-user review).
  await zh.route('**/api/v1/drops/jacket/mine', async (route) => {
    const r = await route.fetch();
    const body = await r.json();
    body.waitlist = [{ entry_id: 'wle_x', drop_id: 'jacket', variant: 's', status: 'waiting',
      joined_at: new Date().toISOString(), ahead: 3, offer_hold_id: null }];
    await route.fulfill({ response: r, json: body });
  });
  await zh.reload();
  await zh.locator('.mine').waitFor();
  assert.match((await zh.textContent('.mine')) ?? '', /前面还有 3 人/);
  assert.equal(await zh.locator('[data-join="s"]').count(), 0);
});

test('an offer from the waitlist: the stale place goes, the held unit is said as held for them',
  async () => {
  const third = await apiBuyer(server, 33);
  const p = await (await phoneContext(browser, 'en')).newPage();
  await signInPage(p, server.url, third.token);
  // S seen while another buyer's payment is under way, so it has a waitlist.
  // The drop behind a waiting room once the offer is made (its note above the sizes).
  let roomOn = false;
  await p.route('**/api/v1/drops/jacket', async (route) => {
    const r = await route.fetch();
    const body = await r.json();
    body.variants[0] = { ...body.variants[0], held: 1, sold: 0, sold_out_for_good: false };
    if (roomOn) {
      body.waiting_room = { id: 'jacket-line', url: '/waiting-room?room=jacket-line',
        opens_at: body.opens_at, prequeue_opens_at: body.opens_at, suspended: false,
        shuffle: false };
    }
    await route.fulfill({ response: r, json: body });
  });
  await p.route('**/api/v1/drops/jacket/waitlist', (route) => route.fulfill({ status: 201,
    json: { entry: { entry_id: 'wle_y', drop_id: 'jacket', variant: 's', status: 'waiting',
      joined_at: new Date().toISOString(), ahead: 0, offer_hold_id: null } } }));
  await p.goto(`${server.url}/drop?id=jacket`);
  await p.click('[data-join="s"]');
  await p.locator('.notice').waitFor();
  assert.match((await p.textContent('.notice')) ?? '', /0 ahead of you/);
  // The unit comes back to them: the next read of /mine shows the offer and its held unit.
  const expires = new Date(Date.now() + 600_000).toISOString();
  await p.route('**/api/v1/drops/jacket/mine', async (route) => {
    const r = await route.fetch();
    const body = await r.json();
    body.waitlist = [{ entry_id: 'wle_y', drop_id: 'jacket', variant: 's', status: 'offered',
      joined_at: new Date().toISOString(), ahead: 0, offer_hold_id: 'hld_y' }];
    body.holds = [{ hold_id: 'hld_y', drop_id: 'jacket', variant: 's', quantity: 1,
      status: 'held', amount_fen: 129_900, created_at: new Date().toISOString(),
      expires_at: expires, settled_at: null, source: 'waitlist' }];
    await route.fulfill({ response: r, json: body });
  });
  await p.locator('#pay-offer').waitFor({ timeout: 10_000 });
  const text = (await p.textContent('main')) ?? '';
  assert.doesNotMatch(text, /0 ahead of you/, 'the join\'s note is gone once the place is offered');
  // Said on the row of the size held (S), not on M's as if an M were held (new user, find 1).
  assert.match((await p.textContent('[data-row="s"]')) ?? '', /A unit is held for you: pay for/);
  assert.doesNotMatch((await p.textContent('[data-row="m"]')) ?? '', /held for you|limit/);
  assert.doesNotMatch(text, /reached this drop's limit/);
  // Behind a room: the offer is the allowance's last unit, said as held, to pay or decline, not
  // "you are at the limit, no further turn" (they bought nothing); in Chinese too.
  roomOn = true;
  await p.reload();
  const note = p.locator('.room-note');
  await note.waitFor();
  assert.equal(await note.getAttribute('data-turn'), 'held');
  assert.match((await note.textContent()) ?? '', /A unit is held for you.*pay for it or decline it below/);
  assert.doesNotMatch((await p.textContent('main')) ?? '', /as many as this sale allows|no further turn/);
  await p.evaluate(() => localStorage.setItem('launchday.lang', 'zh'));
  await p.reload();
  await p.locator('.room-note').waitFor();
  assert.match((await p.textContent('.room-note')) ?? '', /已为您保留一件.*请在下方付款或放弃/);
  assert.match((await p.textContent('[data-row="s"]')) ?? '', /已为您保留一件，请在下方付款/);
  assert.doesNotMatch((await p.textContent('[data-row="m"]')) ?? '', /保留|限购/);
  assert.doesNotMatch((await p.textContent('main')) ?? '', /您已达到本次发售每个账户的限购数量/);
  await screenshots(p, 'drop-offer-held-zh');
});

test('a link without the drop\'s id says there is no such drop, not "Loading" for ever',
  async () => {
    const p = await (await phoneContext(browser, 'en')).newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${server.url}/drop?drop=jacket`);
    await p.locator('.error').waitFor();
    assert.match((await p.textContent('.error')) ?? '', /drop/i);
    assert.deepEqual(errors, []);
  });

test('a drop sold for good says sold out, not on sale, and a closed place says the wait is over '
  + '(both languages)', async () => {
  const put = await server.api('PUT', '/admin/drops/cap', {
    name: 'Launch cap', name_zh: '首发帽', kind: 'merch', price_fen: 19_900,
    opens_at: new Date(Date.now() - 1000).toISOString(), per_account_limit: 1,
    per_identity_limit: 1, variants: [{ variant: 'one', name: 'One size', name_zh: '均码',
      quantity: 1 }] }, ADMIN_TOKEN);
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const first = await apiBuyer(server, 34);
  const bought = await server.api('POST', '/drops/cap/purchases', { variant: 'one' },
    first.token, { 'idempotency-key': 'cap-34' });
  assert.equal(bought.status, 201, JSON.stringify(bought.body));
  const late = await apiBuyer(server, 35);
  for (const lang of ['en', 'zh'] as const) {
    const p = await (await phoneContext(browser, lang)).newPage();
    await signInPage(p, server.url, late.token);
    // A place in the line that closed when the last unit sold (the server's part is tested
    // in test/drop-routes.test.ts): the page says the wait is over, not a place.
    await p.route('**/api/v1/drops/cap/mine', async (route) => {
      const r = await route.fetch();
      const body = await r.json();
      body.waitlist = [{ entry_id: 'wle_z', drop_id: 'cap', variant: 'one', status: 'closed',
        joined_at: new Date().toISOString(), ahead: 0, offer_hold_id: null }];
      await route.fulfill({ response: r, json: body });
    });
    await p.goto(`${server.url}/drop?id=cap`);
    await p.locator('.mine').waitFor();
    const state = (await p.textContent('#drop-state')) ?? '';
    const mine = (await p.textContent('.mine')) ?? '';
    if (lang === 'en') {
      assert.match(state, /Sold out/);
      assert.doesNotMatch(state, /On sale/);
      assert.match(mine, /the wait is over/);
      assert.doesNotMatch(mine, /ahead of you/);
    } else {
      assert.match(state, /已全部售罄/);
      assert.doesNotMatch(state, /发售中/);
      assert.match(mine, /候补已结束/);
      assert.doesNotMatch(mine, /前面还有/);
    }
    assert.equal(await p.locator('[data-join="one"]').count(), 0);
  }
});

test('every unit held while payments complete is said as held, some may come back, not on sale '
  + '(both languages)', async () => {
  for (const lang of ['en', 'zh'] as const) {
    const p = await (await phoneContext(browser, lang)).newPage();
    await p.route('**/api/v1/drops/jacket', async (route) => {
      const r = await route.fetch();
      const body = await r.json();
      body.variants = body.variants.map((v: { quantity: number }) => ({ ...v, remaining: 0,
        held: 1, sold: v.quantity - 1, sold_out: true, sold_out_for_good: false }));
      await route.fulfill({ response: r, json: body });
    });
    await p.goto(`${server.url}/drop?id=jacket`);
    await p.locator('[data-row="s"]').waitFor();
    const state = (await p.textContent('#drop-state')) ?? '';
    assert.match(state, lang === 'en' ? /All units held.*some may come back/ : /已全部被保留/);
    assert.doesNotMatch(state, lang === 'en' ? /On sale/ : /发售中/);
    await p.context().close();
  }
});
