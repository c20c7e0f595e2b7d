/// <reference types="node" />
// The operator opens a model-switch window in the console; a buyer's locked SU7 order then moves
// to YU7 from the buyer's own page, deposit carried over. Also covers the console's order search,
// launch editing and audit log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, apiBuyer, idNumber, DESKTOP_VIEWPORT, phoneContext, screenshots, signInPage, startServerAndBrowser, unlabelledControls, } from './web-harness.js';
let server;
let browser;
let admin;
let buyerPage;
let buyer;
let orderId = '';
before(async () => {
    [server, browser] = await startServerAndBrowser();
    buyer = await apiBuyer(server, 41);
    const su7 = (await server.api('GET', '/launches/su7-2024')).body;
    const placed = await server.api('POST', '/orders', {
        launch_id: 'su7-2024',
        trim: su7.trims[0].trim,
        options: [],
        city: su7.cities[0].city_id,
    }, buyer.token, { 'Idempotency-Key': 'cw-test-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    orderId = placed.body.order_id;
    const locked = await server.api('POST', `/orders/${orderId}/lock`, { confirm: true }, buyer.token);
    assert.equal(locked.body.status, 'locked');
    // An operator far from Beijing: the console's times must not follow the browser's zone.
    const adminContext = await browser.newContext({ viewport: DESKTOP_VIEWPORT,
        timezoneId: 'America/New_York' });
    await adminContext.addInitScript(() => localStorage.setItem('launchday.lang', 'en'));
    admin = await adminContext.newPage();
    buyerPage = await (await phoneContext(browser, 'en')).newPage();
});
after(async () => {
    await browser?.close();
    await server?.stop();
});
test('a wrong operator token is refused in words; the right one opens the console', async () => {
    await admin.goto(`${server.url}/admin`);
    await admin.fill('#admin-token', 'not-the-token');
    await admin.click('#use-token');
    const err = admin.locator('.error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /operator|signed in/i);
    await admin.fill('#admin-token', ADMIN_TOKEN);
    await admin.click('#use-token');
    await admin.locator('form.launch-form[data-launch="yu7-2025"]').waitFor();
    assert.equal(await admin.evaluate(() => sessionStorage.getItem('launchday.adminToken')), ADMIN_TOKEN);
    await screenshots(admin, 'admin-launches');
    assert.deepEqual(await unlabelledControls(admin), []);
});
test('the console edits a launch: capacity per trim per week', async () => {
    const form = admin.locator('form.launch-form[data-launch="yu7-2025"]');
    const input = form.locator('input[id="yu7-2025-cap-max"]');
    const before = Number(await input.inputValue());
    await input.fill(String(before + 500));
    await form.locator('button[type="submit"]').click();
    // The launch is open: the change is confirmed first (operator-console.test.ts).
    await admin.locator('dialog[open] [data-role="confirm"]').click();
    await admin.locator('#console-toast .notice-ok').waitFor();
    // The notice can show before the reply's effects are readable through another request on a
    // busy machine: wait, briefly and boundedly, for the saved value itself.
    const capacity = async () => (await server.api('GET', '/launches/yu7-2025')).body.trims
        .find((t) => t.trim === 'max').capacity_per_week;
    for (let i = 0; i < 50 && await capacity() !== before + 500; i++) {
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await capacity(), before + 500);
});
test('the console enters and shows launch times in Beijing time, sent with +08:00', async () => {
    const form = admin.locator('form.launch-form[data-launch="su7-2024"]');
    const input = form.locator('input[id="su7-2024-opens"]');
    assert.match((await form.locator('label[for="su7-2024-opens"]').textContent()) ?? '', /北京时间 \/ Beijing time/);
    // Seeded at 14:00Z, which is 22:00 in Beijing (and 10:00 in New York).
    assert.equal(await input.inputValue(), '2024-03-28 22:00');
    assert.match((await form.textContent()) ?? '', /2024-03-28 22:00 北京时间 \/ Beijing time/);
    const sent = admin.waitForRequest((r) => r.method() === 'PATCH');
    await input.fill('2024-03-28 18:00');
    await form.locator('button[type="submit"]').click();
    // The launch is open: the change is confirmed first (operator-console.test.ts).
    await admin.locator('dialog[open] [data-role="confirm"]').click();
    assert.deepEqual(JSON.parse((await sent).postData() ?? '{}'), { opens_at: '2024-03-28T18:00:00+08:00' });
    await admin.locator('#console-toast .notice-ok').waitFor();
    assert.equal((await server.api('GET', '/launches/su7-2024')).body.opens_at, '2024-03-28T10:00:00.000Z');
});
test('the operator opens a model-switch window from SU7 to YU7', async () => {
    await admin.click('#tab-windows');
    assert.match((await admin.locator('label[for="cw-opens"]').textContent()) ?? '', /北京时间 \/ Beijing time/);
    await admin.selectOption('#cw-from', 'su7-2024');
    await admin.selectOption('#cw-to', 'yu7-2025');
    // A switch to another model is also a new trim, colour, wheels and extras (the server checks
    // each against the window), so ticking "model" ticks those too.
    await admin.check('#cw-allow-model');
    for (const a of ['trim', 'colour', 'wheels', 'extras'])
        assert.ok(await admin.isChecked(`#cw-allow-${a}`), a);
    assert.equal(await admin.isChecked('#cw-allow-city'), false);
    await admin.click('#cw-form button[type="submit"]');
    await admin.locator('#console-toast .notice-ok').waitFor();
    // The seeded, historical windows are closed; ours is the one open now.
    const windows = (await server.api('GET', '/admin/change-windows', undefined, ADMIN_TOKEN)).body
        .change_windows;
    const open = windows.filter((w) => w.state === 'open');
    assert.equal(open.length, 1, JSON.stringify(windows));
    assert.equal(open[0].from_launch_id, 'su7-2024');
    assert.equal(open[0].to_launch_id, 'yu7-2025');
    assert.deepEqual([...open[0].allows].sort(), ['colour', 'extras', 'model', 'trim', 'wheels']);
    const row = admin.locator(`tr[data-window="${open[0].window_id}"]`);
    assert.match((await row.textContent()) ?? '', /su7-2024 → yu7-2025.*open/);
    await screenshots(admin, 'admin-change-windows');
    assert.deepEqual(await unlabelledControls(admin), []);
});
test('the buyer switches the locked SU7 order to YU7 in their page', async () => {
    await signInPage(buyerPage, server.url, buyer.token);
    await buyerPage.goto(`${server.url}/`);
    await buyerPage.locator('.launch').first().waitFor();
    assert.equal(await buyerPage.locator('.launch').count(), 4, 'every seeded launch is listed');
    await screenshots(buyerPage, 'launches-all');
    await buyerPage.goto(`${server.url}/orders`);
    const card = buyerPage.locator(`#order-${orderId}`);
    await card.waitFor();
    assert.equal(await card.getAttribute('data-status'), 'locked');
    await card.locator('button[data-action="switch_model"]').click();
    const dialog = buyerPage.locator('dialog[open]');
    assert.match((await dialog.textContent()) ?? '', /deposit carries over/);
    assert.equal(await dialog.locator('#switch-target').inputValue(), 'yu7-2025');
    await dialog.getByLabel('YU7 Max', { exact: false }).first().check();
    await dialog.locator('.new-estimate').waitFor();
    await screenshots(buyerPage, 'switch-dialog');
    assert.deepEqual(await unlabelledControls(buyerPage), []);
    await dialog.locator('button[data-role="confirm"]').click();
    await buyerPage.locator('main .notice-ok').waitFor();
    const moved = (await server.api('GET', `/orders/${orderId}`, undefined, buyer.token)).body;
    assert.equal(moved.launch_id, 'yu7-2025');
    assert.equal(moved.trim, 'max');
    assert.equal(moved.deposit.state, 'held');
    const heading = (await buyerPage.locator(`#order-${orderId} h2`).textContent()) ?? '';
    assert.match(heading, /YU7/);
    assert.match((await buyerPage.locator(`#order-${orderId}`).textContent()) ?? '', /Re-queued/);
    await screenshots(buyerPage, 'orders-switched');
});
test('the console finds the order by phone, with history, and shows the audit log', async () => {
    await admin.click('#tab-orders');
    await admin.fill('#o-phone', buyer.phone);
    await admin.click('form:has(#o-phone) button[type="submit"]');
    const card = admin.locator(`article[data-order="${orderId}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /yu7-2025/);
    await screenshots(admin, 'admin-orders');
    await admin.click('#tab-audit');
    const table = admin.locator('#audit');
    await table.waitFor();
    assert.ok((await table.locator('tbody tr').count()) >= 2, 'launch edit and window creation are audited');
    await screenshots(admin, 'admin-audit');
});
test('the console refunds a firm order found by identity number; closes the window', async () => {
    const other = await apiBuyer(server, 42);
    const placed = await server.api('POST', '/orders', { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'beijing' }, other.token, { 'Idempotency-Key': 'cw-test-2' });
    assert.equal(placed.status, 201);
    await admin.click('#tab-orders');
    await admin.fill('#o-phone', '');
    await admin.fill('#o-idn', idNumber(42));
    await admin.click('form:has(#o-idn) button[type="submit"]');
    const card = admin.locator(`article[data-order="${placed.body.order_id}"]`);
    await card.getByRole('button', { name: 'Refund deposit' }).click();
    const dialog = admin.locator('dialog[open]');
    assert.match((await dialog.textContent()) ?? '', /Refund the ¥5,000 deposit/);
    // The operator's reason is required before the refund can be confirmed.
    assert.equal(await dialog.locator('button[data-role="confirm"]').isDisabled(), true);
    await dialog.locator('#admin-reason').fill('buyer asked by phone');
    await dialog.locator('button[data-role="confirm"]').click();
    await admin.locator('#console-toast .notice-ok').waitFor();
    const refunded = (await server.api('GET', `/orders/${placed.body.order_id}`, undefined, other.token)).body;
    assert.equal(refunded.status, 'cancelled');
    assert.equal(refunded.deposit.state, 'refunded');
    assert.match((await card.textContent()) ?? '', /refunded/);
    await admin.click('#tab-windows');
    const openRow = admin.locator('tr[data-window]', { hasText: 'open' });
    await openRow.getByRole('button', { name: 'Close window' }).click();
    await admin.locator('dialog[open] button[data-role="confirm"]').click();
    await admin.locator('#console-toast .notice-ok').waitFor();
    const windows = (await server.api('GET', '/admin/change-windows', undefined, ADMIN_TOKEN)).body
        .change_windows;
    assert.equal(windows.filter((w) => w.state === 'open').length, 0);
});
//# sourceMappingURL=change-window.test.js.map