/// <reference types="node" />
// The operator console tells the truth (issue 18, fault 10): launch times typed and shown in
// Beijing time, a wrong time said beside its field, the save notice where the operator looks;
// edits to a scheduled or open launch confirmed with each field before and after; the order
// card names the buyer, reads a locked deposit as non-refundable and its history in words; a
// cancel needs a reason, which the buyer then reads with a number to call; the audit log names
// the operator, shows old and new values and times to the second. Desktop and tablet, both
// languages; screenshots as the other browser tests keep them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN,
  DESKTOP_VIEWPORT,
  SCREENSHOT_DIR,
  apiBuyer,
  phoneContext,
  signedInConsole,
  signInPage,
  startServerAndBrowser,
  unlabelledControls,
  type Server,
} from './web-harness.js';

const TABLET_VIEWPORT = { width: 768, height: 1024 };
const OPEN = 'yu7-2025'; // opened in 2025: open, taking orders
const SCHEDULED = 'yu7-demo'; // the demonstration, three minutes ahead: scheduled
const CONFIG = { launch_id: OPEN, trim: 'max', options: [], city: 'beijing' };

let server: Server;
let browser: Browser;
const pageErrors: string[] = [];

before(async () => {
  [server, browser] = await startServerAndBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** An operator's console page in `lang`, signed in with the test operator's token. */
const consolePage = (lang: 'en' | 'zh', viewport = DESKTOP_VIEWPORT): Promise<Page> =>
  signedInConsole(browser, server, { lang, viewport, pageErrors });

/** Saves the page at desktop and tablet sizes, named with its language. */
async function consoleShots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [
    ['desktop', DESKTOP_VIEWPORT],
    ['tablet', TABLET_VIEWPORT],
  ] as const) {
    await page.setViewportSize(size);
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** Whether the element is inside the visible part of the window (not scrolled off). */
async function inView(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= vp.height && box.height > 0;
}

/**
 * Presses a launch form's save and confirms if a confirmation comes (its own test checks it
 * does), until a notice or a dialog's refusal shows.
 */
async function saveLaunch(page: Page, launchId: string): Promise<void> {
  await page.locator(`form[data-launch="${launchId}"] button[type="submit"]`).click();
  const dialog = page.locator('dialog[open]');
  const quiet = () => undefined; // the other of the two is still waiting when one comes
  await Promise.race([dialog.waitFor().catch(quiet),
    page.locator('.notice').first().waitFor().catch(quiet)]);
  if (await dialog.isVisible()) await dialog.locator('[data-role="confirm"]').click();
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
}

const launch = async (id: string) => (await server.api('GET', `/launches/${id}`)).body;

test('every tab is named in words from the first paint, in both languages', async () => {
  for (const lang of ['en', 'zh'] as const) {
    const page = await consolePage(lang);
    const names = await page.locator('.tabs button').allTextContents();
    assert.ok(names.length >= 5, JSON.stringify(names));
    // A raw key (`tab_production`) showed until the Production tab's own strings loaded.
    assert.deepEqual(names.filter((n) => /^tab_|_/.test(n)), [], JSON.stringify(names));
    await page.context().close();
  }
});

test('a launch time typed as 22:00 is 22:00 in Beijing; the saved notice is in view', async () => {
  const page = await consolePage('en');
  const form = page.locator(`form[data-launch="${SCHEDULED}"]`);
  const opens = form.getByLabel('Opening time');
  await opens.fill('2030-06-26 22:00');
  // The save button is at the bottom of a long list: the notice must be seen all the same.
  await saveLaunch(page, SCHEDULED);
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  await page.locator('.notice-ok').first().waitFor();
  assert.equal((await launch(SCHEDULED)).opens_at, '2030-06-26T14:00:00.000Z');
  assert.ok(await inView(page, '.notice-ok'), 'the saved notice is in the window');
  assert.match((await page.locator('#console-toast').textContent()) ?? '',
    /Saved 1 change\(s\) to yu7-demo\. \(at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} Beijing time\)/);
  assert.equal(await page.locator(`#${SCHEDULED}-opens`).inputValue(), '2030-06-26 22:00');
  assert.match((await form.locator(`#${SCHEDULED}-opens-echo`).textContent()) ?? '',
    /2030-06-26 14:00:00 UTC/);
  // The zone every console time is in, with the time now in it, above everything.
  assert.match(
    (await page.locator('.console-clock').textContent()) ?? '',
    /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 北京时间 \/ Beijing time/,
  );
  await page.context().close();
});

test('a time that is no time is said beside its field; no earlier "Saved" stays up', async () => {
  const page = await consolePage('en');
  // A save first, so that there is a "Saved" to go stale.
  const limit = page.locator(`form[data-launch="${SCHEDULED}"]`).getByLabel('Orders per account');
  await limit.fill('3');
  await saveLaunch(page, SCHEDULED);
  await page.locator('.notice-ok').first().waitFor();
  const again = page.locator(`form[data-launch="${SCHEDULED}"]`);
  const opens = again.getByLabel('Opening time');
  await opens.fill('2030-13-40 25:00');
  assert.equal(await page.locator('.notice-ok').count(), 0, 'no stale Saved once edited');
  await again.locator('button[type="submit"]').click();
  assert.equal(await page.locator('dialog[open]').count(), 0);
  assert.equal(await page.locator('.notice-ok').count(), 0, 'no stale Saved after a refusal');
  assert.equal(await opens.getAttribute('aria-invalid'), 'true');
  assert.match((await again.locator(`#${SCHEDULED}-opens-err`).textContent()) ?? '',
    /year-month-day hour:minute \(Beijing time\)/);
  assert.ok(await inView(page, `#${SCHEDULED}-opens-err`));
  assert.equal((await launch(SCHEDULED)).opens_at, '2030-06-26T14:00:00.000Z');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(await unlabelledControls(page), []);
  await consoleShots(page, 'admin-launches-en');
  await page.context().close();
});

test('an edit of an open launch shows before and after, and nothing is sent until confirmed',
  async () => {
    const page = await consolePage('zh', TABLET_VIEWPORT);
    const was = await launch(OPEN);
    const form = page.locator(`form[data-launch="${OPEN}"]`);
    await form.locator(`#${OPEN}-deposit`).fill('6000');
    await form.locator(`#${OPEN}-cap-max`).fill('1234');
    await form.locator('button[type="submit"]').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor({ timeout: 5000 }).catch(() => {
      throw new Error('no confirmation before a live launch is changed');
    });
    assert.match((await dialog.textContent()) ?? '', /正在接单/);
    assert.match((await dialog.locator('thead').textContent()) ?? '', /修改前.*修改后/);
    const deposit = dialog.locator('tr[data-field="deposit"]');
    assert.match((await deposit.locator('td.before').textContent()) ?? '', /5,000/);
    assert.match((await deposit.locator('td.after').textContent()) ?? '', /6,000/);
    const cap = dialog.locator('tr[data-field="cap-max"]');
    assert.equal(await cap.locator('td.before').textContent(),
      String(was.trims.find((t: { trim: string }) => t.trim === 'max').capacity_per_week));
    assert.equal(await cap.locator('td.after').textContent(), '1234');
    assert.equal(await dialog.locator('tbody tr').count(), 2, 'only the changed fields');
    await consoleShots(page, 'admin-confirm-zh');
    // Going back sends nothing.
    await dialog.locator('button.secondary').click();
    assert.equal((await launch(OPEN)).deposit_fen, was.deposit_fen);
    await form.locator('button[type="submit"]').click();
    await page.locator('dialog[open] [data-role="confirm"]').click();
    await page.locator('#console-toast:not([hidden])').waitFor();
    assert.match((await page.locator('#console-toast').textContent()) ?? '', /已保存/);
    assert.equal((await launch(OPEN)).deposit_fen, 600_000);
    // Put back for the orders below, through the same dialog.
    await page.locator(`#${OPEN}-deposit`).fill(String(was.deposit_fen / 100));
    await page.locator(`form[data-launch="${OPEN}"] button[type="submit"]`).click();
    await page.locator('dialog[open] [data-role="confirm"]').click();
    await page.locator('#console-toast:not([hidden])').waitFor();
    assert.equal((await launch(OPEN)).deposit_fen, was.deposit_fen);
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });

test('the order card names the buyer, reads a locked deposit as non-refundable, tells the ' +
  'history in words; a cancel takes a reason',
async () => {
  const buyer = await apiBuyer(server, 41);
  const placed = await server.api('POST', '/orders', CONFIG, buyer.token,
    { 'idempotency-key': 'console-test-1' });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const orderId = placed.body.order_id as string;
  const locked = await server.api('POST', `/orders/${orderId}/lock`, { confirm: true },
    buyer.token);
  assert.equal(locked.status, 200);

  const page = await consolePage('en');
  await page.click('#tab-orders');
  await page.fill('#o-phone', buyer.phone);
  await page.click('form:has(#o-phone) button[type="submit"]');
  const card = page.locator(`article[data-order="${orderId}"]`);
  await card.waitFor();
  assert.equal(await card.locator('dl.kv dd').nth(0).textContent(),
    `Buyer 41 · ${buyer.phone} · ${placed.body.account_id}`);
  const deposit = (await card.locator('dl.kv dd').nth(2).textContent()) ?? '';
  assert.match(deposit, /non-refundable/);
  assert.doesNotMatch(deposit, /\(refundable\)/);
  assert.equal(await card.locator('pre').count(), 0, 'no raw JSON');
  const timeline = card.locator('ol.timeline');
  assert.match((await timeline.locator('li').nth(0).textContent()) ?? '',
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Placed, deposit paidthe buyer/);
  assert.match((await timeline.locator('li').nth(1).textContent()) ?? '',
    /Locked early, queue place 1/);

  // A cancel needs a reason before it can be confirmed.
  await card.locator('button', { hasText: 'Cancel order' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await dialog.locator('#admin-accept').check();
  assert.equal(await dialog.locator('[data-role="confirm"]').isDisabled(), true);
  await dialog.locator('#admin-reason').fill('Duplicate identity, confirmed by phone');
  await dialog.locator('[data-role="confirm"]').click();
  await page.locator('#console-toast:not([hidden])').waitFor();
  const cancelled = page.locator(`article[data-order="${orderId}"]`);
  const last = cancelled.locator('ol.timeline li').nth(2);
  assert.match((await last.textContent()) ?? '',
    /Cancelled, ¥5,000 deposit forfeited.*operator admin.*Duplicate identity/);
  assert.deepEqual(await unlabelledControls(page), []);
  await consoleShots(page, 'admin-order-en');
  await page.context().close();
});

test('the buyer whose order an operator cancelled reads why, and whom to call', async () => {
  const buyer = await apiBuyer(server, 42);
  const placed = await server.api('POST', '/orders', CONFIG, buyer.token,
    { 'idempotency-key': 'console-test-2' });
  const orderId = placed.body.order_id as string;
  const r = await server.api('POST', `/admin/orders/${orderId}/cancel`,
    { reason: 'Payment reversed by the bank' }, ADMIN_TOKEN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const lang of ['en', 'zh'] as const) {
    const buyerPage = await (await phoneContext(browser, lang)).newPage();
    await signInPage(buyerPage, server.url, buyer.token);
    await buyerPage.goto(`${server.url}/orders`);
    await buyerPage.locator(`#order-${orderId}`).waitFor();
    const note = buyerPage.locator(`#order-${orderId} .operator-cancel`);
    assert.equal(await note.count(), 1, 'a notice of the operator\'s cancel');
    const text = (await note.textContent()) ?? '';
    assert.match(text, /Payment reversed by the bank/);
    assert.match(text, lang === 'en' ? /launchday staff.*customer service on 400-/
      : /工作人员.*客服 400-/);
    assert.match(text, new RegExp(orderId));
    assert.equal(await note.locator('a[href^="tel:"]').count(), 1);
    await buyerPage.screenshot({ path: join(SCREENSHOT_DIR, `orders-operator-cancel-${lang}.png`),
      fullPage: true });
    await buyerPage.context().close();
  }
});

test('the audit log names the operator, shows old and new values, times to the second',
  async () => {
    const made = await server.api('POST', '/admin/operators', { name: 'mei' }, ADMIN_TOKEN);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const r = await server.api('PATCH', `/admin/launches/${OPEN}`, { per_account_limit: 3 },
      made.body.token);
    assert.equal(r.status, 200);
    for (const lang of ['en', 'zh'] as const) {
      const page = await consolePage(lang);
      await page.click('#tab-audit');
      const row = page.locator('#audit tbody > tr', { hasText: 'launch_updated' }).first();
      await row.waitFor();
      assert.equal(await row.locator('> td').nth(1).textContent(),
        lang === 'en' ? 'operator mei' : '运营人员 mei');
      assert.match((await row.locator('> td').nth(0).textContent()) ?? '',
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const change = row.locator('tr[data-field="per_account_limit"]');
      assert.equal(await change.locator('td.before').textContent(), '2');
      assert.equal(await change.locator('td.after').textContent(), '3');
      const cancel = page.locator('#audit tbody > tr', { hasText: 'Duplicate identity' });
      assert.match((await cancel.locator('> td').nth(1).textContent()) ?? '', /admin$/);
      // A cancel's old and new values: locked and held, then cancelled and forfeited.
      const status = cancel.locator('tr[data-field="status"]');
      assert.equal(await status.locator('td.before').textContent(),
        lang === 'en' ? 'Locked' : '已锁定');
      assert.equal(await status.locator('td.after').textContent(),
        lang === 'en' ? 'Cancelled' : '已取消');
      assert.doesNotMatch((await cancel.textContent()) ?? '', /\(refundable\)|（可退）/,
        'a locked order\'s deposit was never refundable');
      assert.equal(await page.locator('#audit pre').count(), 0, 'no raw JSON');
      await consoleShots(page, `admin-audit-${lang}`);
      await page.context().close();
    }
    await server.api('PATCH', `/admin/launches/${OPEN}`, { per_account_limit: 2 }, ADMIN_TOKEN);
    assert.deepEqual(pageErrors, []);
  });

test('a change window\'s time typed wrong is said beside it, in Chinese too', async () => {
  const page = await consolePage('zh', TABLET_VIEWPORT);
  await page.click('#tab-windows');
  await page.getByLabel('结束时间').fill('2030-02-30 10:00');
  await page.click('#cw-form button[type="submit"]');
  assert.equal(await page.getByLabel('结束时间').getAttribute('aria-invalid'), 'true');
  assert.match((await page.locator('#cw-closes-err').textContent()) ?? '', /北京时间/);
  assert.equal(await page.locator('.notice-ok').count(), 0);
  assert.equal((await server.api('GET', '/admin/change-windows', undefined, ADMIN_TOKEN)).body
    .change_windows.filter((w: { state: string }) => w.state !== 'closed').length, 0,
  'nothing was created');
  assert.deepEqual(pageErrors, []);
  await page.context().close();
});
