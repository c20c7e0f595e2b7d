/// <reference types="node" />
// A second buyer signs in with an SMS code, orders through a flaky network (a lost reply, then a
// 503 with Retry-After) without getting two orders, and cancels within cooling-off for a refund.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBuyer, phoneContext, screenshots, startServerAndBrowser, } from './web-harness.js';
const LAUNCH = 'yu7-2025';
let server;
let browser;
let page;
let buyer;
before(async () => {
    [server, browser] = await startServerAndBrowser();
    buyer = await apiBuyer(server, 21);
    page = await (await phoneContext(browser, 'zh')).newPage();
});
after(async () => {
    await browser?.close();
    await server?.stop();
});
test('sign-in by SMS code (page in Chinese by default)', async () => {
    await page.goto(`${server.url}/account?next=${encodeURIComponent(`/configure?launch=${LAUNCH}`)}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match((await page.textContent('h1')) ?? '', /登录或注册/);
    await page.fill('#signin-phone', buyer.phone);
    await page.click('#send-code');
    const dev = (await page.locator('#dev-code').textContent()) ?? '';
    const code = /(\d{4,8})/.exec(dev)?.[1];
    assert.ok(code, `sandbox code shown: ${dev}`);
    await page.fill('#signin-code', '000000' === code ? '111111' : '000000');
    await page.click('#sign-in');
    // A wrong code is explained in Chinese, never as a bare code.
    const err = page.locator('.error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /[\u4e00-\u9fff]/);
    assert.doesNotMatch((await err.textContent()) ?? '', /^[a-z_]+$/);
    await screenshots(page, 'account-sign-in');
    await page.fill('#signin-code', code);
    await Promise.all([page.waitForURL(/\/configure\?launch=yu7-2025/), page.click('#sign-in')]);
});
test('a lost reply and a 503 are retried with the same key: one order, "not placed yet" ' +
    'meanwhile', async () => {
    const keys = [];
    let calls = 0;
    await page.route('**/api/v1/orders', async (route) => {
        if (route.request().method() !== 'POST')
            return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        calls += 1;
        if (calls === 1) {
            // The server gets the request and creates the order; its reply is lost on the way back.
            await route.fetch();
            return route.abort('timedout');
        }
        if (calls === 2) {
            // A load shedder in front of the server says "come back in 2 s".
            return route.fulfill({
                status: 503,
                headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
                body: JSON.stringify({ error: { code: 'overloaded', message: 'busy' } }),
            });
        }
        return route.continue();
    });
    await page.locator('#place-order').click();
    const holding = page.locator('.holding');
    await holding.waitFor({ timeout: 15000 });
    // What is true: not placed yet, still trying (never "we are holding your place").
    assert.match((await holding.textContent()) ?? '', /尚未下成/);
    await screenshots(page, 'configure-holding');
    await page.waitForURL(/\/orders\?order=/, { timeout: 30000 });
    await page.unroute('**/api/v1/orders');
    assert.ok(calls >= 3, `retried (${calls} calls)`);
    assert.equal(new Set(keys).size, 1, `one key for every retry of the attempt: ${keys.join(',')}`);
    assert.match(keys[0], /^[A-Za-z0-9_-]{1,64}$/);
    const mine = (await server.api('GET', '/orders', undefined, buyer.token)).body.orders;
    assert.equal(mine.length, 1, 'the lost reply must not turn into a second order');
});
test('cancel within cooling-off: the refund is stated before and shown after', async () => {
    const order = (await server.api('GET', '/orders', undefined, buyer.token)).body.orders[0];
    await page.click('#lang-switch'); // English from here, remembered
    const card = page.locator(`#order-${order.order_id}`);
    await card.locator('button[data-action="cancel"]').click();
    const dialog = page.locator('dialog[open]');
    assert.match((await dialog.textContent()) ?? '', /refunds the whole ¥5,000 deposit/);
    await screenshots(page, 'cancel-dialog');
    await dialog.locator('button[data-role="confirm"]').click();
    await page.locator(`#order-${order.order_id}[data-status="cancelled"]`).waitFor();
    const text = (await page.locator(`#order-${order.order_id}`).textContent()) ?? '';
    assert.match(text, /¥5,000 · refunded/);
    assert.match((await page.textContent('.notice')) ?? '', /refunded in full/);
    const after = (await server.api('GET', `/orders/${order.order_id}`, undefined, buyer.token)).body;
    assert.equal(after.status, 'cancelled');
    assert.equal(after.deposit.state, 'refunded');
    assert.equal(await card.locator('button').count(), 0, 'a cancelled order offers no actions');
    await screenshots(page, 'orders-cancelled');
});
test('a reload while the place is being held resumes the same attempt', async () => {
    const keys = [];
    let calls = 0;
    await page.route('**/api/v1/orders', async (route) => {
        if (route.request().method() !== 'POST')
            return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        calls += 1;
        if (calls === 1) {
            return route.fulfill({
                status: 503,
                headers: { 'Retry-After': '60', 'Content-Type': 'application/json' },
                body: JSON.stringify({ error: { code: 'overloaded', message: 'busy' } }),
            });
        }
        return route.continue();
    });
    await page.goto(`${server.url}/configure?launch=${LAUNCH}`);
    await page.locator('#place-order').click();
    await page.locator('.holding').waitFor();
    // The buyer loses patience and reloads: the page picks the attempt up with the same key.
    await Promise.all([page.waitForURL(/\/orders\?order=/, { timeout: 20000 }), page.reload()]);
    await page.unroute('**/api/v1/orders');
    assert.equal(calls, 2);
    assert.equal(keys[0], keys[1]);
    const mine = (await server.api('GET', '/orders', undefined, buyer.token)).body.orders;
    assert.deepEqual(mine.map((o) => o.status).sort(), ['cancelled', 'firm']);
});
//# sourceMappingURL=cancel-and-retry.test.js.map