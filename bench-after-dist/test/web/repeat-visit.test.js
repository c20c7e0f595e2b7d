/// <reference types="node" />
// A phone that comes back takes almost nothing: scripts and styles under the folder's version
// come from its cache without a request, the page and the launch read are revalidated (304).
// Bytes are counted by Chromium itself (DevTools' encodedDataLength: headers and body as
// received), on the launch page and on /configure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_VIEWPORT, startServerAndBrowser } from './web-harness.js';
let server;
let browser;
before(async () => {
    [server, browser] = await startServerAndBrowser();
});
after(async () => {
    await browser?.close();
    await server?.stop();
});
for (const path of ['/', '/configure?launch=yu7-2025']) {
    test(`a repeat visit of ${path} transfers under 2 KB`, async () => {
        const context = await browser.newContext({ viewport: PHONE_VIEWPORT });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        let visit = { bytes: 0, fromCache: [], notModified: [], fetched: [] };
        const urls = new Map();
        cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
        cdp.on('Network.requestServedFromCache', (e) => visit.fromCache.push(urls.get(e.requestId)));
        // The status as it came off the network (a revalidated response is shown as 200 after).
        cdp.on('Network.responseReceivedExtraInfo', (e) => {
            const url = urls.get(e.requestId);
            if (e.statusCode === 304)
                visit.notModified.push(url);
            else
                visit.fetched.push(url);
        });
        cdp.on('Network.loadingFinished', (e) => { visit.bytes += e.encodedDataLength; });
        const open = async () => {
            visit = { bytes: 0, fromCache: [], notModified: [], fetched: [] };
            await page.goto(server.url + path, { waitUntil: 'networkidle' });
            await page.waitForSelector('main h1, main h2');
            return visit;
        };
        const first = await open();
        // A new tab on the same browser: what the phone holds is its HTTP cache, not this page.
        await page.goto('about:blank');
        const again = await open();
        console.log(`${path}: first visit ${first.bytes} bytes, ${first.fetched.length} fetched; `
            + `repeat ${again.bytes} bytes; 304: ${again.notModified.length}; from cache: `
            + `${again.fromCache.length}; fetched: ${again.fetched.join(' ')}`);
        assert.ok(first.bytes > 10_000, `the first visit downloads the page (${first.bytes} bytes)`);
        assert.ok(again.bytes < 2048, `the repeat visit took ${again.bytes} bytes`);
        assert.ok(again.notModified.some((u) => new URL(u).pathname === new URL(server.url + path)
            .pathname), 'the page itself is revalidated');
        assert.ok(!again.fetched.some((u) => /\.(js|css)(\?|$)/.test(u)), `no script or style is downloaded again: ${again.fetched.join(' ')}`);
        await context.close();
    });
}
//# sourceMappingURL=repeat-visit.test.js.map