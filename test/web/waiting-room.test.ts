/// <reference types="node" />
// The waiting room in a browser (simulated server clock): the operator creates the room in the
// console and sees its live figures; a buyer joins the pre-queue before the opening, keeps the
// place across a reload, is shuffled at the opening with the seed committed to beforehand, sees
// a position, is admitted, and orders on the configure page with the pass; without a pass the
// order page sends the buyer to the room. Both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, ROOM_CONSOLE_ENV, apiBuyer, phoneContext, screenshots, signedInConsole, signInPage,
  ticketIdOf,
  startServerAndBrowser, unlabelledControls, type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;

before(async () => {
  [server, browser] = await startServerAndBrowser({ ...ROOM_CONSOLE_ENV });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The console's waiting-rooms tab, signed in, in English. */
async function roomsTab(): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInConsole(browser, server, { tab: 'rooms' });
  return { context: page.context(), page };
}

test('the operator creates a room in the console and sees its live figures', async () => {
  const { context, page } = await roomsTab();
  await page.locator('#wr-new').waitFor();
  await page.fill('#wr-new-id', 'yu7-night');
  await page.fill('#wr-new-target', 'yu7-2025');
  // Typed in Beijing time, as every time in the console.
  await page.fill('#wr-new-opens', '2025-06-26 22:00');
  await page.fill('#wr-new-prequeue', '2025-06-26 21:50');
  await page.fill('#wr-new-rate', '60');
  await page.fill('#wr-new-cap', '1');
  await page.click('#wr-create');
  await page.locator('#wr-live [data-figure="wr_live_waiting"]').waitFor();
  assert.equal(await page.textContent('#wr-live [data-figure="wr_live_waiting"]'), '0');
  // Shown back in Beijing time (the server keeps 14:00 UTC), not in UTC.
  assert.equal((await server.api('GET', '/waiting-rooms/yu7-night')).body.opens_at,
    '2025-06-26T14:00:00.000Z');
  assert.equal(await page.inputValue('#wr-opens'), '2025-06-26 22:00');
  assert.equal(await page.inputValue('#wr-prequeue'), '2025-06-26 21:50');
  assert.match((await page.textContent('label[for="wr-opens"]')) ?? '', /Beijing time/);
  // The suspend switch, saved and read back, then off again.
  await page.check('#wr-suspended');
  await page.click('#wr-save');
  await page.locator('.console-toast .notice-ok').waitFor();
  assert.equal((await server.api('GET', '/waiting-rooms/yu7-night')).body.suspended, true);
  await page.uncheck('#wr-suspended');
  await page.click('#wr-save');
  await page.waitForFunction(async () => !(await (await fetch('/api/v1/waiting-rooms/yu7-night'))
    .json()).suspended);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.click('#lang-switch');
  await page.getByText('排队中', { exact: true }).waitFor();
  await screenshots(page, 'console-waiting-rooms-zh');
  await context.close();
});

test('a buyer joins the pre-queue, keeps the place across a reload, is shuffled, admitted and '
  + 'orders with the pass', async () => {
  const buyer = await apiBuyer(server, 41);
  const page = await (await phoneContext(browser, 'en')).newPage();
  await signInPage(page, server.url, buyer.token);
  await page.goto(`${server.url}/waiting-room?room=yu7-night`);
  await page.locator('#wr-prequeue').waitFor();
  assert.match((await page.textContent('#wr-prequeue')) ?? '', /random order/);
  assert.equal(await page.textContent('#wr-target'), 'The queue for the Xiaomi YU7 launch',
    'the launch by its name, not its id');
  const before = await page.evaluate(() => localStorage.getItem('launchday.wr.yu7-night.ticket'));
  // Others join the pre-queue too.
  for (let i = 0; i < 3; i++) {
    assert.equal((await server.api('POST', '/waiting-rooms/yu7-night/tickets')).status, 201);
  }
  // A second before the opening: the pre-queue is told to poll just after it (the interval
  // follows the time to the opening, spread over 20 s), not at the longest interval.
  await server.api('POST', '/admin/clock', { advance_seconds: 179 }, ADMIN_TOKEN);
  await page.reload();
  await page.locator('#wr-prequeue').waitFor();
  // The opening, before that poll (aimed 2 to 21 s after the reload): the admitter shuffles the
  // pre-queue and admits one (the cap is 1). One second past it: an arrival within the opening
  // millisecond still joins the shuffle, so the shuffle waits until that millisecond has passed
  // (the simulated clock stands still).
  await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
  const after = await page.evaluate(() => localStorage.getItem('launchday.wr.yu7-night.ticket'));
  assert.equal(ticketIdOf(after!), ticketIdOf(before!), 'a reload keeps the place');
  assert.match((await page.textContent('main')) ?? '', /What happens next/);
  await screenshots(page, 'waiting-room-prequeue');
  await page.locator('#wr-position, #wr-admitted').first().waitFor({ timeout: 30_000 });
  const room = (await server.api('GET', '/waiting-rooms/yu7-night')).body;
  assert.ok(room.seed, 'the seed is published after the shuffle');
  assert.equal(createHash('sha256').update(room.seed).digest('hex'), room.seed_commitment);
  if (await page.locator('#wr-position').count()) {
    assert.match((await page.textContent('#wr-position')) ?? '', /Your place: [1-4]/);
    // The cap (1 pass) is full: the wait is not the rate's alone, and the page says why rather
    // than show a figure that stands still.
    assert.equal(await page.getAttribute('#wr-estimate', 'data-certainty'), 'uncertain');
    assert.match((await page.textContent('#wr-estimate')) ?? '',
      /Admissions are waiting for people let in before you to finish: at most 1 can buy/);
    assert.match((await page.textContent('#wr-updated')) ?? '', /Last updated/);
    // The seed the shuffle used is shown once revealed, with how to check the draw and the
    // buyer's own entry in it (the page read the room before the opening, seed still secret).
    await page.locator('#wr-seed-revealed').waitFor();
    assert.ok(((await page.textContent('#wr-seed-revealed')) ?? '').includes(room.seed));
    assert.match((await page.textContent('#wr-check-draw')) ?? '', /Check the draw/);
    // The draw opens on this page, checked and in words, not as raw JSON (the new user's find).
    await page.click('#wr-draw-link');
    await page.locator('#wr-draw-view').waitFor();
    assert.match((await page.textContent('#wr-draw-view')) ?? '',
      /Checked on this page: the seed's sha256 equals the commitment/);
    assert.match((await page.textContent('#wr-draw-mine')) ?? '', /Your ticket drew rank [1-4]/);
    assert.equal(await page.getAttribute('#wr-draw-raw', 'href'),
      '/api/v1/waiting-rooms/yu7-night/shuffle');
    assert.match((await page.textContent('#wr-my-hash')) ?? '', /[0-9a-f]{64}/);
    await screenshots(page, 'waiting-room-position');
  }
  // The cap of 1 is full: the console says why nobody more is admitted.
  const console = await roomsTab();
  if (await console.page.locator('#wr-pick').count()) {
    await console.page.selectOption('#wr-pick', 'yu7-night');
  }
  await console.page.locator('#wr-cap-reached').waitFor();
  assert.match((await console.page.textContent('#wr-cap-reached')) ?? '',
    /Cap reached: the active passes are at the limit of 1; admissions paused until a pass is /);
  await console.context.close();
  // The operator raises the cap: everyone is let in at the rate.
  const put = await server.api('PUT', '/admin/waiting-rooms/yu7-night', { scope: 'launch',
    target_id: 'yu7-2025', enabled: true, opens_at: room.opens_at, prequeue_at: room.prequeue_at,
    admit_per_minute: 600, active_max: 100 }, ADMIN_TOKEN);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  // The server's clock stands still unless moved: two seconds fill the bucket for everyone.
  await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
  await page.waitForURL(/\/configure\?launch=yu7-2025/, { timeout: 30_000 })
    .catch(async (err) => { throw new Error(`${err}: ${await page.textContent('main')}`); });
  const pass = await page.evaluate(() => localStorage.getItem('launchday.pass.launch.yu7-2025'));
  assert.ok(pass, 'the pass is kept for the order page');
  await page.locator('#place-order').click();
  await page.waitForURL(/\/orders\?order=/, { timeout: 20_000 }).catch(async (err) => {
    throw new Error(`${err}: ${await page.textContent('main')}`);
  });
  const live = (await server.api('GET', '/admin/waiting-rooms/yu7-night', undefined,
    ADMIN_TOKEN)).body;
  assert.equal(live.spent_passes, 1, 'the order spent the pass');
});

test('without a pass the order page says so, in Chinese, and leads to the room', async () => {
  const other = await apiBuyer(server, 42);
  const page = await (await phoneContext(browser, 'zh')).newPage();
  await signInPage(page, server.url, other.token);
  await page.goto(`${server.url}/configure?launch=yu7-2025`);
  // The buyer chooses a car other than the defaults before being sent to the room.
  await page.locator('#config input[type="radio"][value="max"]').check();
  await page.locator('#place-order').click();
  await page.locator('#enter-waiting-room').waitFor({ timeout: 20_000 });
  assert.match((await page.textContent('.error')) ?? '', /需要先排队/);
  assert.equal(await page.getAttribute('#enter-waiting-room', 'href'),
    '/waiting-room?room=yu7-night');
  await screenshots(page, 'order-needs-pass-zh');
  // A join now reads the line (the clock stands still: that copy is not read again), so the
  // page's join comes after the copy: it was given its place in a copy without it, too small
  // for good; now it is shown none until a copy holds it.
  assert.equal((await server.api('POST', '/waiting-rooms/yu7-night/tickets')).status, 201);
  await page.goto(`${server.url}/waiting-room?room=yu7-night`);
  await page.locator('#wr-target').waitFor();
  assert.equal(await page.textContent('#wr-target'), '小米YU7 发布的排队');
  await page.locator('#wr-counting, #wr-position').first().waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#wr-position').count(), 0,
    `a place not yet counted shows no position: ${await page.textContent('main')}`);
  assert.match((await page.textContent('#wr-counting')) ?? '', /正在计算您的排队位置/);
  await screenshots(page, 'waiting-room-counting-zh');
  // Two seconds on, the next copy of the line holds it: counted (or already admitted).
  await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
  await page.locator('#wr-counting').waitFor({ state: 'detached', timeout: 20_000 });
  // Admitted (the cap and rate were raised above), the pass brings the buyer back to the
  // configurator with the car they chose, not the defaults, and says so.
  await page.waitForURL(/\/configure\?launch=yu7-2025/, { timeout: 30_000 })
    .catch(async (err) => { throw new Error(`${err}: ${await page.textContent('main')}`); });
  const max = page.locator('#config input[type="radio"][value="max"]');
  await max.waitFor();
  assert.equal(await max.isChecked(), true, 'the trim chosen before the room');
  assert.match((await page.textContent('#choices-kept')) ?? '', /已为您保留/);
  await screenshots(page, 'configure-choices-kept-zh');
  await page.click('#lang-switch');
  assert.match((await page.textContent('#choices-kept')) ?? '', /Your choices were kept/);
});

test('a room switched off says so and offers the way on, in both languages; switched on, the '
  + 'place is shown again', async () => {
  const settings = (enabled: boolean) => ({ scope: 'launch', target_id: 'su7-2024', enabled,
    suspended: true, opens_at: '2024-03-28T14:00:00.000Z', prequeue_at: '2024-03-28T13:50:00.000Z',
    order: 'fifo', admit_per_minute: 60, active_max: 1 });
  const made = await server.api('PUT', '/admin/waiting-rooms/su7-night', settings(true),
    ADMIN_TOKEN);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await (await phoneContext(browser, 'en')).newPage();
  await page.goto(`${server.url}/waiting-room?room=su7-night`);
  // A place is counted from a copy of the line read after its join: the clock stands still
  // here, so it moves on for the next copy to hold the place.
  await page.locator('#wr-counting, #wr-position').first().waitFor({ timeout: 20_000 });
  await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
  await page.locator('#wr-position').waitFor({ timeout: 20_000 });
  assert.equal((await server.api('PUT', '/admin/waiting-rooms/su7-night', settings(false),
    ADMIN_TOKEN)).status, 200);
  // The page polls every few seconds (poll_after_seconds).
  await page.locator('#wr-off').waitFor({ timeout: 20_000 });
  assert.match((await page.textContent('#wr-off')) ?? '', /switched off/);
  assert.equal(await page.getAttribute('#wr-go-off', 'href'), '/configure?launch=su7-2024');
  assert.equal(await page.locator('#wr-position').count(), 0, 'no position in a line that is off');
  await page.click('#lang-switch');
  await page.getByText('直接前往', { exact: true }).waitFor();
  assert.match((await page.textContent('#wr-off')) ?? '', /排队室已关闭/);
  await screenshots(page, 'waiting-room-off-zh');
  assert.equal((await server.api('PUT', '/admin/waiting-rooms/su7-night', settings(true),
    ADMIN_TOKEN)).status, 200);
  await page.locator('#wr-position').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#wr-off').count(), 0);
  await page.context().close();
});

test('a room whose drop sold for good says the queue is over, keeps no place and polls no more '
  + '(both languages)', async () => {
  for (const lang of ['en', 'zh'] as const) {
    const page = await (await phoneContext(browser, lang)).newPage();
    // The server's refusal as test/waiting-room-routes.test.ts sees it for a drop sold for good.
    let asked = 0;
    const refusal = (route: { fulfill: (r: object) => Promise<void> }) => {
      asked += 1;
      return route.fulfill({ status: 409, json: { error: { code: 'drop_sold_out',
        message: 'The drop is sold out: every unit is sold and none can come back, so this '
          + 'waiting room admits no one more.' } } });
    };
    await page.route('**/api/v1/waiting-rooms/yu7-night/tickets', refusal);
    await page.route('**/api/v1/waiting-rooms/yu7-night/place', refusal);
    await page.goto(`${server.url}/waiting-room?room=yu7-night`);
    await page.locator('.notice').waitFor();
    const text = (await page.textContent('main')) ?? '';
    assert.match(text, lang === 'en' ? /no one more will be let in/ : /不会再放行任何人/);
    assert.doesNotMatch(text, lang === 'en' ? /waitlist|Your place/ : /候补|您的位置/);
    assert.equal(await page.locator('#wr-join-again').count(), 0);
    assert.equal(await page.evaluate(() => localStorage.getItem('launchday.wr.yu7-night.ticket')),
      null);
    const seen = asked;
    await new Promise((r) => setTimeout(r, 6_000));
    assert.equal(asked, seen, 'no poll or join after the end of the line');
  }
});

test('the operator reads when each pass was issued and ends, finds a suspected bot\'s ticket by '
  + 'network and holds and releases it from beside it (both languages)', async () => {
  // Suspended: nobody is admitted while the operator looks, so the tickets stay waiting.
  const room = (await server.api('GET', '/waiting-rooms/yu7-night')).body;
  assert.equal((await server.api('PUT', '/admin/waiting-rooms/yu7-night', { scope: 'launch',
    target_id: 'yu7-2025', enabled: true, suspended: true, opens_at: room.opens_at,
    prequeue_at: room.prequeue_at, admit_per_minute: 600, active_max: 100 }, ADMIN_TOKEN))
    .status, 200);
  const bot = ticketIdOf((await server.api('POST', '/waiting-rooms/yu7-night/tickets'))
    .body.ticket);
  // Two seconds on, the server's next copy of the line holds it, with its place.
  await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
  const { context, page } = await roomsTab();
  await page.selectOption('#wr-pick', 'yu7-night');
  // The recent passes say which time is which, in Beijing time.
  const pass = page.locator('#wr-pass-list li').first();
  await pass.waitFor();
  assert.match((await pass.textContent()) ?? '',
    /Issued \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Beijing time\) · Expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Beijing time\)/);
  // Every test client is 127.0.0.1: its /24, as the suspicious-pattern report names it.
  await page.fill('#wr-find-network', '127.0.0.0/24');
  await page.selectOption('#wr-find-status', 'waiting');
  await page.click('#wr-find-go');
  const row = page.locator(`#wr-ticket-list li[data-ticket="${bot}"]`);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /127\.0\.0\.1 · waiting · place \d+ · Joined /);
  await page.fill('#wr-hold-reason', 'one device, many tickets');
  await row.locator('button[data-action="hold"]').click();
  await page.locator('.console-toast .notice-ok').waitFor();
  const held = (await server.api('GET', '/admin/waiting-rooms/yu7-night/tickets?status=held',
    undefined, ADMIN_TOKEN)).body.tickets.map((t: { ticket_id: string }) => t.ticket_id);
  assert.deepEqual(held, [bot], 'held through the button beside it');
  // Looked up again with every waiting or held one: the held one is offered Release.
  await page.selectOption('#wr-find-status', '');
  await page.click('#wr-find-go');
  await row.locator('button[data-action="release"]').waitFor();
  assert.match((await row.textContent()) ?? '', /held/);
  assert.deepEqual(await unlabelledControls(page), []);
  await page.click('#lang-switch');
  await page.getByText('查找排队凭证', { exact: true }).waitFor();
  assert.match((await row.textContent()) ?? '', /已扣留 · 第 \d+ 位 · 加入于 .*北京时间/);
  assert.match((await page.locator('#wr-pass-list li').first().textContent()) ?? '',
    /发放于 .* 失效于 /);
  await screenshots(page, 'console-waiting-room-tickets-zh');
  await page.fill('#wr-hold-reason', '核实为真人');
  await row.locator('button[data-action="release"]').click();
  await row.locator('button[data-action="hold"]').waitFor();
  assert.deepEqual((await server.api('GET', '/admin/waiting-rooms/yu7-night/tickets?status=held',
    undefined, ADMIN_TOKEN)).body.tickets, [], 'released');
  await context.close();
});

test('a pass whose purchase is still under way is offered Revoke; one spent for good is not; '
  + 'one revoked while its purchase was under way says the purchase went through, and when',
  async () => {
    const { context, page } = await roomsTab();
    // The room's view as the server gives it, with its first pass spent by a purchase still
    // paying and a second spent for good (test/pass-revoke-under-way.test.ts makes them real).
    await page.route('**/api/v1/admin/waiting-rooms/yu7-night', async (route) => {
      const real = await (await route.fetch()).json();
      const [p] = real.passes;
      assert.ok(p, 'the room gave a pass earlier in this file');
      real.passes = [{ ...p, pass_id: 'wrp_paying', status: 'spent', under_way: true },
        { ...p, pass_id: 'wrp_bought', status: 'spent', under_way: false },
        // Revoked while its purchase was under way, which went through (spent_at kept), and
        // one revoked unused (or whose purchase was refused: it comes back with no spent_at).
        { ...p, pass_id: 'wrp_revoked_late', status: 'revoked', under_way: false,
          spent_at: '2025-06-26T14:00:05.000Z' },
        { ...p, pass_id: 'wrp_revoked', status: 'revoked', under_way: false, spent_at: null }];
      await route.fulfill({ json: real });
    });
    await page.selectOption('#wr-pick', 'yu7-night');
    const paying = page.locator('#wr-pass-list li[data-pass="wrp_paying"]');
    await paying.waitFor();
    assert.match((await paying.textContent()) ?? '',
      /spent \(purchase under way, still revocable\)/);
    assert.equal(await paying.locator('button').count(), 1, 'Revoke beside it');
    assert.equal(await page.locator('#wr-pass-list li[data-pass="wrp_bought"] button').count(),
      0, 'spent for good: a revoke would stop no one');
    // A revoked pass whose purchase went through says so, and when, not a bare "revoked"
    // (new user, finding 2).
    const late = page.locator('#wr-pass-list li[data-pass="wrp_revoked_late"]');
    assert.match((await late.textContent()) ?? '', /wrp_revoked_late · revoked, but its order or purchase \(used 2025-06-26 22:00:05 \(Beijing time\)\) was under way at the revoke and went through/);
    assert.match((await page.locator('#wr-pass-list li[data-pass="wrp_revoked"]').textContent())
      ?? '', /wrp_revoked · revoked · /);
    assert.equal(await late.locator('button').count(), 0, 'nothing left to revoke');
    await page.click('#lang-switch');
    await page.getByText('查找排队凭证', { exact: true }).waitFor();
    assert.match((await late.textContent()) ?? '',
      /已撤销，但撤销时它的下单或购买（2025-06-26 22:00:05 \(北京时间\) 使用）正在进行：已经完成/);
    await context.close();
  });

test('a firm estimate is said as the most the wait will be, in both languages', async () => {
  for (const [lang, said] of [['en', /Estimated wait: at most 3 min/],
    ['zh', /预计最多等待 3 分钟/]] as const) {
    const page = await (await phoneContext(browser, lang)).newPage();
    // A place as the server gives it: 130 s at most, firm (test/waiting-room-routes.test.ts).
    await page.route('**/api/v1/waiting-rooms/yu7-night/tickets', (route) => route.fulfill({
      status: 201, json: { room_id: 'yu7-night', phase: 'waiting', position: 3, ahead: 2,
        estimate: { seconds: 130, certainty: 'firm' }, last_updated: '2025-06-26T14:00:10.000Z',
        opens_at: '2025-06-26T14:00:00.000Z', suspended: false, ticket: 'wrt1.e30.AAAA',
        poll_after_seconds: 60, pass: null, seed_commitment: '0'.repeat(64) } }));
    await page.goto(`${server.url}/waiting-room?room=yu7-night`);
    await page.locator('#wr-estimate').waitFor();
    assert.match((await page.textContent('#wr-estimate')) ?? '', said);
    assert.equal(await page.getAttribute('#wr-estimate', 'data-certainty'), 'firm');
    await page.context().close();
  }
});
