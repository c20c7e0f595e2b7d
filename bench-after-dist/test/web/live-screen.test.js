/// <reference types="node" />
// The live screen's counter climbs as orders arrive through the API, with the chart, trim mix,
// cities, money and the published SU7 / YU7 curves beside it, and stays responsive at 1 Hz.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBuyer, DESKTOP_VIEWPORT, screenshots, startServerAndBrowser, unlabelledControls, } from './web-harness.js';
const DEMO = 'yu7-demo';
let server;
let browser;
let page;
/** What the browser refused under the pages' Content-Security-Policy (static-files.ts). */
const policyViolations = [];
before(async () => {
    [server, browser] = await startServerAndBrowser({ LAUNCHDAY_DEMO_DELAY_SECONDS: '2' });
    const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT });
    await context.addInitScript(() => localStorage.setItem('launchday.lang', 'en'));
    page = await context.newPage();
    page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text()))
            policyViolations.push(m.text());
    });
});
after(async () => {
    await browser?.close();
    await server?.stop();
});
const heroCount = async (p) => Number((await p.textContent('#hero-count')).replace(/[^\d]/g, '') || 'NaN');
let buyerSeq = 300;
async function placeOrders(n, trims, cities) {
    for (let i = 0; i < n; i++) {
        const buyer = await apiBuyer(server, buyerSeq++);
        const r = await server.api('POST', '/orders', {
            launch_id: DEMO,
            trim: trims[i % trims.length],
            options: [],
            city: cities[i % cities.length],
        }, buyer.token, { 'Idempotency-Key': `live-test-${buyerSeq}` });
        assert.equal(r.status, 201, JSON.stringify(r.body));
    }
}
test('the counter rises as orders arrive', async () => {
    await page.goto(`${server.url}/live?launch=${DEMO}`);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => /\d/.test(document.getElementById('hero-count')?.textContent ?? ''));
    // Wait for the opening (2 s after start), then order.
    const launch = (await server.api('GET', `/launches/${DEMO}`)).body;
    const waitMs = Date.parse(launch.opens_at) - Date.parse(launch.server_time);
    if (waitMs > 0)
        await new Promise((r) => setTimeout(r, waitMs + 200));
    const start = await heroCount(page);
    assert.equal(start, 0);
    const trims = launch.trims.map((t) => t.trim);
    const cities = launch.cities.slice(0, 3).map((c) => c.city_id);
    await placeOrders(4, trims, cities);
    await page.waitForFunction(() => document.getElementById('hero-count')?.textContent === '4', undefined, { timeout: 8000 });
    await placeOrders(6, trims, cities.slice(0, 1));
    await page.waitForFunction(() => document.getElementById('hero-count')?.textContent === '10', undefined, { timeout: 8000 });
    const mix = (await page.textContent('#trim-mix')) ?? '';
    for (const t of launch.trims)
        assert.ok(mix.includes(t.name), `trim mix names ${t.name}: ${mix}`);
    const top = page.locator('#top-cities li').first();
    assert.ok(((await top.textContent()) ?? '').startsWith(launch.cities[0].name), 'the busiest city is first');
    // Drawn to scale: the policy refuses inline style attributes, which once left every bar full.
    const widths = await page.$$eval('#top-cities .bar span', (spans) => spans.map((el) => el.getBoundingClientRect().width));
    assert.ok(widths.length >= 2 && widths[0] > widths[widths.length - 1], `bars ${widths}`);
    assert.deepEqual(policyViolations, []);
    assert.match((await page.textContent('#held')) ?? '', /¥50,000/); // 10 deposits of ¥5,000
    // Each money figure on launchday's own basis and on the reported one, each labelled.
    assert.match((await page.textContent('#held-sub')) ?? '', /^launchday basis: ¥50,000 received in all \(refunded, forfeited, switched in\)$/);
    assert.equal(await page.textContent('#held-reported'), 'Reported basis: 10 orders × ¥5,000 = ¥50,000');
    assert.match((await page.textContent('#revenue-h')) ?? '', /launchday basis/);
    assert.equal(await page.textContent('#revenue-reported'), 'Reported basis: 10 orders × Standard ¥253,500 = ¥2.5 million');
    assert.match((await page.textContent('#compare')) ?? '', /SU7 .* had about/);
    assert.equal(await page.locator('#chart polyline.own').count(), 1);
    assert.equal(await page.locator('#chart polyline.ref-su7').count(), 1);
});
test('the screen keeps up with one update a second', async () => {
    // Count stats events seen by the page against frames drawn over a few seconds: a page that
    // froze under updates would draw far fewer frames than events.
    const seen = await page.evaluate(() => new Promise((resolve) => {
        let frames = 0;
        const t0 = performance.now();
        const step = () => {
            frames += 1;
            if (performance.now() - t0 < 3000)
                requestAnimationFrame(step);
            else
                resolve({ frames, ms: performance.now() - t0 });
        };
        requestAnimationFrame(step);
    }));
    assert.ok(seen.frames > 30, `frames drawn in 3 s: ${seen.frames}`);
    // New figures keep arriving and are drawn: the elapsed time moves on with them.
    const before = await page.evaluate(() => [
        document.getElementById('main').dataset.asOf,
        document.getElementById('elapsed').textContent,
    ]);
    try {
        await page.waitForFunction((b) => document.getElementById('main').dataset.asOf !== b[0] &&
            document.getElementById('elapsed').textContent !== b[1], before, { timeout: 5000 });
    }
    catch (err) {
        const now = await page.evaluate(() => [
            document.getElementById('main').dataset.asOf,
            document.getElementById('elapsed').textContent,
            document.getElementById('conn').dataset.state,
        ]);
        throw new Error(`no new figures drawn: before ${before.join(' / ')}, now ${now.join(' / ')}: ${err}`);
    }
    await screenshots(page, 'live');
    assert.deepEqual(await unlabelledControls(page), []);
});
//# sourceMappingURL=live-screen.test.js.map