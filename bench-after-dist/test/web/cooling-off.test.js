/// <reference types="node" />
// With the server's clock simulated, the cooling-off countdown follows the server, not the
// browser: after the operator moves the clock past the end, the order shows itself locked
// automatically, at the end of the cooling-off, in the buyer's language.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, apiBuyer, phoneContext, screenshots, signInPage, startServerAndBrowser, } from './web-harness.js';
let server;
let browser;
let page;
before(async () => {
    [server, browser] = await startServerAndBrowser({
        LAUNCHDAY_CLOCK: 'simulated',
        LAUNCHDAY_CLOCK_START: '2025-06-26T14:05:00.000Z',
    });
    page = await (await phoneContext(browser, 'zh')).newPage();
});
after(async () => {
    await browser?.close();
    await server?.stop();
});
test('the cooling-off countdown runs on server time and ends in an automatic lock', async () => {
    const buyer = await apiBuyer(server, 61);
    const placed = await server.api('POST', '/orders', { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'shanghai' }, buyer.token, { 'Idempotency-Key': 'cool-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    // The browser's clock says 2026; the server's says June 2025. The countdown must use the latter.
    await signInPage(page, server.url, buyer.token);
    await page.goto(`${server.url}/orders`);
    const cooling = page.locator('.cooling');
    await cooling.waitFor();
    assert.match((await cooling.textContent()) ?? '', /^剩余 (6 天 23:5\d:\d\d|7 天 00:00:00)/);
    await screenshots(page, 'orders-cooling-zh');
    const moved = await server.api('POST', '/admin/clock', { advance_seconds: 168 * 3600 + 60 }, ADMIN_TOKEN);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await page.reload();
    const card = page.locator(`#order-${placed.body.order_id}[data-status="locked"]`);
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    assert.match(text, /冷静期结束，订单自动锁定/);
    assert.match(text, /已支付（锁定后不可退）/);
    assert.equal(await card.locator('button[data-action="cancel_with_forfeit"]').count(), 1);
    const order = (await server.api('GET', `/orders/${placed.body.order_id}`, undefined, buyer.token))
        .body;
    assert.equal(order.locked_at, order.cooling_off_ends_at, 'locked at the end of the cooling-off');
    await screenshots(page, 'orders-auto-locked-zh');
});
//# sourceMappingURL=cooling-off.test.js.map