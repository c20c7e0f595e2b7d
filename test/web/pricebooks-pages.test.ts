/// <reference types="node" />
// The price-books pages in a browser: ready stock is in every buyer page's nav; a buyer buys a
// ready-stock car (and it leaves the list), sees on the orders page the price version their
// order keeps and the protection a price cut gave it; the operator reads the books with their
// charts and CSV buttons, records a price version and lists a car; in both languages, every
// control labelled.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { withCheckCharacter } from '../../src/production/vin.js';
import {
  ADMIN_TOKEN, apiBuyer, phoneContext, screenshots, signInPage, startServerAndBrowser,
  unlabelledControls, type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
const vin = (n: number) => withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

before(async () => {
  [server, browser] = await startServerAndBrowser();
  const run = await server.api('POST', '/admin/production-runs', { launch_id: 'yu7-2025',
    built_on: '2025-07-01', reason: 'surplus', cars: [{ vin: vin(1), trim: 'standard' },
      { vin: vin(2), trim: 'standard' }] }, ADMIN_TOKEN);
  assert.equal(run.status, 201, JSON.stringify(run.body));
  for (const n of [1, 2]) {
    const l = await server.api('POST', '/admin/ready-stock/listings',
      { vin: vin(n), city: 'beijing' }, ADMIN_TOKEN);
    assert.equal(l.status, 201, JSON.stringify(l.body));
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('ready stock is reached from every buyer page\'s nav; on a phone the nav fits, no bullets',
  async () => {
    for (const [lang, nav] of [['en', 'Ready stock'], ['zh', '现车']] as const) {
      const page = await (await phoneContext(browser, lang)).newPage();
      await page.goto(`${server.url}/drops`);
      await page.click('nav a[href="/ready-stock"]');
      await page.locator(`[data-vin="${vin(1)}"]`).waitFor();
      assert.equal(await page.getAttribute('nav a[href="/ready-stock"]', 'aria-current'), 'page');
      assert.equal((await page.textContent('nav a[href="/ready-stock"]'))?.trim(), nav);
      // Five links in a 390-pixel header: they wrap rather than push the page sideways.
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `the page scrolls sideways by ${overflow}px`);
      // The cars are cards, not a bulleted list.
      assert.equal(await page.evaluate(() =>
        getComputedStyle(document.getElementById('ready-cars')!).listStyleType), 'none');
      await page.context().close();
    }
  });

test('a buyer buys a ready-stock car; it leaves the list at once', async () => {
  const buyer = await apiBuyer(server, 41);
  const page = await (await phoneContext(browser, 'en')).newPage();
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/ready-stock`);
  await page.locator(`[data-vin="${vin(1)}"]`).waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  // The car and its city by name, not by id ("STANDARD · colour-... · Collect in beijing").
  const card = (await page.textContent(`[data-vin="${vin(1)}"]`)) ?? '';
  assert.match(card, /^YU7 Standard/);
  assert.match(card, /Collect in Beijing/);
  assert.doesNotMatch(card, /STANDARD|beijing|colour-|wheels-/);
  // Asked first, with what is charged: going back charges nothing and the car stays for sale.
  await page.click(`[data-buy="${vin(1)}:full"]`);
  const dialog = page.locator('dialog[open]');
  assert.match((await dialog.textContent()) ?? '',
    /Buy YU7 Standard.*charged now and the car is yours, to collect in Beijing/s);
  await dialog.locator('button.secondary').click();
  assert.equal(await page.locator('dialog').count(), 0);
  const mine = await server.api('GET', '/ready-stock/mine', undefined, buyer.token);
  assert.deepEqual(mine.body.sales, []);
  await page.click(`[data-buy="${vin(1)}:full"]`);
  await dialog.locator('button[data-role="confirm"]').click();
  await page.locator('.notice').waitFor();
  assert.match((await page.textContent('.notice')) ?? '', /Bought/);
  assert.equal(await page.locator(`[data-vin="${vin(1)}"]`).count(), 0);
  // The purchase names the car as its card did, though the car has left the list (sold): it
  // was named by its VIN alone.
  const named = card.split(/\s*VIN/)[0]!;
  const asListed = new RegExp(`^${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · `
    + `Collect in Beijing · VIN ${vin(1)}`);
  assert.match((await page.textContent('#ready-mine .sale-car')) ?? '', asListed);
  assert.match((await page.textContent('#ready-mine')) ?? '', /Paid/);
  await screenshots(page, 'ready-stock-bought');
  // My orders lists it too: a car bought from stock is one of the buyer's orders.
  await page.click('nav a[href="/orders"]');
  const sale = page.locator('#ready-sales [data-sale]');
  await sale.waitFor();
  // Named as the list named it, not by its launch alone: trim, options, city, not ids.
  const bought = (await sale.textContent()) ?? '';
  assert.match(bought, asListed);
  assert.match(bought, /Paid/);
  assert.doesNotMatch(bought, /STANDARD|beijing|colour-|wheels-/);
  // No launch order: the line above says which purchases are below, and only those.
  assert.equal(await page.textContent('#orders-none'),
    'You have no launch orders yet; your ready-stock purchases are listed below.');
});

test('in Chinese, a deposit reserves the other car with its balance deadline', async () => {
  const buyer = await apiBuyer(server, 42);
  const page = await (await phoneContext(browser, 'zh')).newPage();
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/ready-stock`);
  await page.locator(`[data-buy="${vin(2)}:deposit"]`).waitFor();
  const card = (await page.textContent(`[data-vin="${vin(2)}"]`)) ?? '';
  assert.match(card, /^YU7 标准版/);
  assert.match(card, /提车城市 北京/);
  await page.click(`[data-buy="${vin(2)}:deposit"]`);
  // The balance and its deadline are said before the deposit is charged.
  const dialog = page.locator('dialog[open]');
  assert.match((await dialog.textContent()) ?? '', /尾款 ¥[\d,]+ 须在 72 小时内付清/);
  await dialog.locator('button[data-role="confirm"]').click();
  await page.locator('.notice').waitFor();
  assert.match((await page.textContent('.notice')) ?? '', /定金已付/);
  await page.locator('[data-pay]').waitFor();
  assert.match((await page.textContent('#ready-mine')) ?? '', /尾款截止/);
  // My orders says the balance is owed and leads back here to pay it.
  await page.goto(`${server.url}/orders`);
  const sale = page.locator('#ready-sales [data-sale]');
  await sale.waitFor();
  assert.match((await sale.textContent()) ?? '', /^YU7 标准版.* · 提车城市 北京 · VIN .*尾款截止/s);
  await sale.locator('a[href="/ready-stock"]').click();
  await page.locator('[data-pay]').waitFor();
  await page.click('[data-pay]');
  // The balance is asked for first too, with its amount.
  const ask = page.locator('dialog[open]');
  assert.match((await ask.textContent()) ?? '', /付清 YU7 标准版.*的尾款？.*现在扣款尾款 ¥[\d,]+/s);
  await ask.locator('button[data-role="confirm"]').click();
  // The deposit's notice is still up: wait for the list itself to say paid (waiting for a
  // .notice returned at once and read the list before the payment's reply).
  await page.locator('#ready-mine', { hasText: '已付清' }).waitFor({ timeout: 10_000 });
  assert.match((await page.textContent('#ready-mine')) ?? '', /已付清/);
  // The note names the car bought, not its VIN alone.
  assert.match((await page.textContent('.notice')) ?? '', /购买成功：YU7 标准版/);
});

test('the orders page shows the price version kept and the protection a cut gave', async () => {
  const buyer = await apiBuyer(server, 43);
  const o = await server.api('POST', '/orders', { launch_id: 'yu7-2025', trim: 'max',
    options: [], city: 'beijing' }, buyer.token, { 'Idempotency-Key': 'pb-1' });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  const page = await (await phoneContext(browser, 'en')).newPage();
  await signInPage(page, server.url, buyer.token);
  const cut = await server.api('POST', '/admin/launches/yu7-2025/price-versions', {
    item_kind: 'trim', item_id: 'max', price_fen: o.body.price_fen - 1_400_000,
    reason: 'Price cut' }, ADMIN_TOKEN);
  assert.equal(cut.status, 201, JSON.stringify(cut.body));
  await page.goto(`${server.url}/orders`);
  const section = page.locator(`[data-price="${o.body.order_id}"]`);
  await section.waitFor();
  await section.locator('summary').click();
  await section.locator('.price-now').waitFor();
  const text = (await section.textContent()) ?? '';
  assert.match(text, /price version 1/);
  assert.match(text, /¥315,900/);
  assert.match(text, /14,000 off/);
  await screenshots(page, 'order-price-protection');
});

test('the operator reads the books, records a price version and lists a car', async () => {
  const page = await (await phoneContext(browser, 'en')).newPage();
  await page.goto(`${server.url}/books`);
  await page.fill('#books-token', ADMIN_TOKEN);
  await page.click('form button[type=submit]');
  await page.locator('[data-figure="deposits_received"]').waitFor();
  assert.match((await page.textContent('[data-figure="deliveries"]')) ?? '', /2/);
  assert.equal(await page.locator('#books-weeks .bar-a').count() > 0, true);
  assert.equal(await page.locator('[data-csv]').count(), 4);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.click('[data-csv="summary"]')]);
  assert.match(download.suggestedFilename(), /books-yu7-2025-summary\.csv/);
  await page.selectOption('#version-item', 'trim:pro');
  await page.fill('#version-price', '269900');
  await page.fill('#version-reason', 'Pro cut');
  await page.click('#version-record');
  await page.locator('[data-version="3"]').waitFor();
  await page.fill('#listing-vin', vin(9));
  await page.fill('#listing-city', 'beijing');
  await page.click('#listing-add');
  await page.locator('.error').waitFor();
  assert.deepEqual(await unlabelledControls(page), []);
  await page.click('#lang-switch');
  await page.locator('h1').waitFor();
  assert.match((await page.textContent('h1')) ?? '', /账目/);
  await screenshots(page, 'books');
});
