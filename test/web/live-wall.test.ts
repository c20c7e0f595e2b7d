/// <reference types="node" />
// The wall screen tells the truth (issue #18 fault 5, issue #19): every screen in the room shows
// the same peak and series whenever it was opened, a moved opening is picked up at once, a
// silent connection dims the figures, a screen over the stream's viewer limit polls the
// snapshot, and at 1920x1080 the screen uses the room's width with type read from afar.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_TOKEN,
  apiBuyer,
  PHONE_VIEWPORT,
  SCREENSHOT_DIR,
  startServer,
  launchBrowser,
  type Server,
} from './web-harness.js';

const DEMO = 'yu7-demo';
const WALL = { width: 1920, height: 1080 };
let server: Server;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ LAUNCHDAY_DEMO_DELAY_SECONDS: '2' }),
    launchBrowser(),
  ]);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function screen(viewport = WALL, init?: () => void): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  contexts.push(context);
  await context.addInitScript(() => localStorage.setItem('launchday.lang', 'en'));
  if (init) await context.addInitScript(init);
  return context.newPage();
}

let buyerSeq = 700;
async function placeOrders(n: number): Promise<void> {
  const buyers = await Promise.all(Array.from({ length: n }, () => apiBuyer(server, buyerSeq++)));
  const replies = await Promise.all(buyers.map((b, i) => server.api('POST', '/orders',
    { launch_id: DEMO, trim: 'standard', options: [], city: 'beijing' }, b.token,
    { 'Idempotency-Key': `wall-${buyerSeq}-${i}` })));
  for (const r of replies) assert.equal(r.status, 201, JSON.stringify(r.body));
}

const view = (p: Page) => p.evaluate(() => ({
  asOf: document.getElementById('main')!.dataset.asOf ?? '',
  series: document.getElementById('main')!.dataset.series ?? '',
  peak: document.getElementById('rate-peak')?.textContent ?? '',
  hero: document.getElementById('hero-count')?.textContent ?? '',
}));

test('two screens opened at different times show the same peak and series', async () => {
  const early = await screen();
  await early.goto(`${server.url}/live?launch=${DEMO}`);
  await early.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  const launch = (await server.api('GET', `/launches/${DEMO}`)).body;
  const waitMs = Date.parse(launch.opens_at) - Date.parse(launch.server_time);
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs + 300));
  await placeOrders(6); // a burst in one or two seconds: the peak
  await new Promise((r) => setTimeout(r, 2500));
  await placeOrders(2);
  await early.waitForFunction(() => document.getElementById('hero-count')?.textContent === '8',
    undefined, { timeout: 8000 });
  const late = await screen();
  await late.goto(`${server.url}/live?launch=${DEMO}`);
  await late.waitForFunction(() => document.getElementById('hero-count')?.textContent === '8',
    undefined, { timeout: 8000 });
  // Both take the next tick's frame: the same moment on both.
  let a = await view(early);
  let b = await view(late);
  for (let i = 0; i < 20 && a.asOf !== b.asOf; i++) {
    await new Promise((r) => setTimeout(r, 150));
    [a, b] = [await view(early), await view(late)];
  }
  assert.equal(a.asOf, b.asOf, 'the two screens reached the same frame');
  assert.ok(a.series.split(',').length >= 3, `a series since the opening: ${a.series}`);
  assert.equal(b.series, a.series, 'the late screen has the whole series');
  assert.equal(b.peak, a.peak);
  assert.match(a.peak, /^Peak [1-6]\/s \(at 00:00:\d\d\)$/);
  // The late screen's line starts at the opening (the chart's left edge), not mid-air.
  const firstX = async (p: Page) => Number((await p.getAttribute('#chart polyline.own',
    'points'))!.split(' ')[0]!.split(',')[0]);
  const axisX = Number(await late.getAttribute('#chart line.axis', 'x1'));
  assert.equal(await firstX(late), axisX);
  assert.equal(await firstX(early), axisX);
});

test('a screen opened before the opening moved shows the new opening at once', async () => {
  const page = await screen();
  await page.goto(`${server.url}/live?launch=yu7-2025`);
  await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
  await page.waitForFunction(() =>
    /since opening/.test(document.getElementById('elapsed')!.textContent!));
  const now = Date.parse((await server.api('GET', '/launches/yu7-2025')).body.server_time);
  const opensAt = new Date(now + 10 * 60_000).toISOString();
  const r = await server.api('PATCH', '/admin/launches/yu7-2025', { opens_at: opensAt },
    ADMIN_TOKEN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await page.waitForFunction(
    () => /^Opens in 00:(09:\d\d|10:00)$/.test(document.getElementById('elapsed')!.textContent!),
    undefined, { timeout: 6000 });
});

test('a connection that goes silent dims the figures and says how old they are', async () => {
  // An EventSource that delivers one frame and then nothing, open all the while: a proxy that
  // hangs, a server stopped mid-stream. Only the frames' age can tell.
  const page = await screen(WALL, () => {
    class SilentSource extends EventTarget {
      readyState = 1;
      constructor(url: string) {
        super();
        void fetch(url.replace(/\/live$/, '/live.json')).then((r) => r.text()).then((data) => {
          this.dispatchEvent(Object.assign(new Event('stats'), { data }));
        });
      }
      close(): void {}
    }
    (window as unknown as { EventSource: unknown }).EventSource = SilentSource;
  });
  await page.goto(`${server.url}/live?launch=${DEMO}`);
  await page.waitForFunction(() => /\d/.test(document.getElementById('hero-count')!.textContent!));
  assert.equal(await page.textContent('#conn'), '● Live');
  await page.waitForFunction(() => document.getElementById('main')!.classList.contains('stale'),
    undefined, { timeout: 8000 });
  const opacity = await page.$eval('.tiles', (el) => Number(getComputedStyle(el).opacity));
  assert.ok(opacity < 0.6, `dimmed: opacity ${opacity}`);
  assert.match((await page.textContent('#conn'))!, /^Figures from \d\d:\d\d:\d\d, reconnecting$/);
});

test('over the viewer limit the screen reads the snapshot every second', async () => {
  const full = await startServer({ LAUNCHDAY_DEMO_DELAY_SECONDS: '1',
    LAUNCHDAY_LIVE_VIEWERS_MAX: '1' });
  const watching = new AbortController();
  try {
    // The one place is taken.
    const first = await fetch(`${full.url}/api/v1/launches/${DEMO}/live`,
      { signal: watching.signal });
    assert.equal(first.status, 200);
    const page = await screen();
    const snapshots: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/live.json')) snapshots.push(r.status());
    });
    const refused = (await fetch(`${full.url}/api/v1/launches/${DEMO}/live`));
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error.code, 'live_viewers_full');
    await page.goto(`${full.url}/live?launch=${DEMO}`);
    await page.locator('#conn[data-state="polling"]').waitFor({ timeout: 10000 });
    assert.equal(await page.textContent('#conn'), 'Updating every second');
    const buyer = await apiBuyer(full, 1);
    await new Promise((r) => setTimeout(r, 1200)); // the opening
    const r = await full.api('POST', '/orders',
      { launch_id: DEMO, trim: 'standard', options: [], city: 'beijing' }, buyer.token,
      { 'Idempotency-Key': 'wall-snapshot-1' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await page.waitForFunction(() => document.getElementById('hero-count')?.textContent === '1',
      undefined, { timeout: 8000 });
    assert.ok(snapshots.length >= 2 && snapshots.every((s) => s === 200 || s === 304),
      `snapshot replies: ${snapshots}`);
    assert.equal(await page.textContent('#held-reported'),
      'Reported basis: 1 order × ¥5,000 = ¥5,000');
  } finally {
    watching.abort();
    await full.stop();
  }
});

test('the wall screen fills 1920x1080 and reads from across the room, and on a phone',
  async () => {
    const page = await screen();
    await page.goto(`${server.url}/live?launch=${DEMO}`);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => document.getElementById('hero-count')?.textContent === '8',
      undefined, { timeout: 8000 });
    assert.equal(await page.locator('nav').count(), 0, 'no buyers\' navigation');
    const width = await page.$eval('.tiles', (el) => el.getBoundingClientRect().width);
    assert.ok(width >= 1800, `tiles span ${width} of 1920 px`);
    const px = (sel: string) => page.$eval(sel, (el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(await px('#rate-h') >= 22, `labels ${await px('#rate-h')} px`);
    // The chart is drawn again as frames arrive; its text is read once a drawing has settled
    // (read mid-drawing it was once below 18 px and 20 px a moment later), and measured in the
    // same task that found it: read in a later one, the drawing had replaced it with new nodes
    // and the old one measured NaN px.
    const chartPx = await page.waitForFunction(() => {
      const t = document.querySelector('#chart text');
      const size = t === null ? NaN : parseFloat(getComputedStyle(t).fontSize);
      return size >= 18 ? size : false;
    }, undefined, { timeout: 5000 }).then(async (h) => Number(await h.jsonValue()))
      .catch(() => page.evaluate(() => {
        const t = document.querySelector('#chart text');
        return t === null ? null : parseFloat(getComputedStyle(t).fontSize);
      }));
    assert.ok(chartPx !== null && chartPx >= 18, `chart text ${chartPx} px`);
    // The big number's comma stays inside its own line box: nothing below overlaps it.
    // The night's figure, set and measured in one task, before the next frame redraws it: the
    // comma's ink (baseline plus the glyph's descent) ends above the line below.
    const { inkBottom, subTop } = await page.evaluate(() => {
      const hero = document.getElementById('hero-count')!;
      hero.textContent = '289,000';
      const mark = document.createElement('span');
      mark.style.cssText = 'display:inline-block;height:0;width:0';
      hero.append(mark);
      const baseline = mark.getBoundingClientRect().top;
      mark.remove();
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = getComputedStyle(hero).font;
      return { inkBottom: baseline + ctx.measureText(',').actualBoundingBoxDescent,
        subTop: document.getElementById('hero-sub')!.getBoundingClientRect().top };
    });
    assert.ok(inkBottom <= subTop, `the comma ends at ${inkBottom}, the line below at ${subTop}`);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'live-wall-1920.png') });
    await page.setViewportSize(PHONE_VIEWPORT);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() =>
      requestAnimationFrame(r))));
    const phoneWidth = await page.$eval('body', (el) => el.scrollWidth);
    assert.ok(phoneWidth <= PHONE_VIEWPORT.width, `no sideways scroll: ${phoneWidth}`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'live-wall-phone.png'), fullPage: true });
  });
