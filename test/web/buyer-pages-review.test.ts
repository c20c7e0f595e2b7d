/// <reference types="node" />
// The buyer pages' findings of the second new-user review, in a browser against a real server,
// both languages where the words change: Enter in the SMS-code field signs in (it sent a new
// code, voiding the one typed); a pass kept by a buyer not signed in says the turn has come and
// to sign in; a buyer at the per-account limit is offered no way back into the room; a pass
// the server calls void is forgotten at once (the green "your turn" stayed above the red "your
// pass has ended", Buy buttons too); a sale sold for good says nothing of turns; the waiting
// room shows the opening to the second with a countdown.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, apiBuyer, phoneContext, signInPage, startServerAndBrowser, type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
let launchId = '';
const MINUTE = 60_000;
/** Buyers who bought before their drop's room was put in front of it. */
const bought: Record<string, string> = {};

const put = async (path: string, body: object) => {
  const r = await server.api('PUT', path, body, ADMIN_TOKEN);
  assert.ok(r.status === 201 || r.status === 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};

/**
 * A room in front of `target`, opening when it does, its line open since ten minutes before; in
 * arrival order, as a room made for a sale already open must be (waiting_room_opening_passed).
 */
const roomFor = (scope: 'drop' | 'launch', target: string, opensAt: string) => ({ scope,
  target_id: target, enabled: true, opens_at: opensAt, order: 'fifo',
  prequeue_at: new Date(Date.parse(opensAt) - 10 * MINUTE).toISOString(),
  admit_per_minute: 600, active_max: 10, pass_seconds: 600, grace_seconds: 60 });

before(async () => {
  [server, browser] = await startServerAndBrowser();
  const opens = new Date(Date.now() - 1000).toISOString();
  const drop = (limit: number, quantity: number) => ({ name: 'Limited jacket',
    name_zh: '限量夹克', kind: 'merch', price_fen: 129_900, opens_at: opens,
    per_account_limit: limit, per_identity_limit: limit,
    variants: [{ variant: 'm', name: 'M', name_zh: 'M码', quantity }] });
  // cap: one per account; solo: its one unit bought (sold for good); rev: for real passes.
  await put('/admin/drops/cap', drop(1, 5));
  await put('/admin/drops/solo', drop(2, 1));
  await put('/admin/drops/rev', drop(1, 5));
  // Bought before the rooms are on (a room gates purchases: not what is tested here).
  for (const [id, seq] of [['cap', 801], ['solo', 802]] as const) {
    const buyer = await apiBuyer(server, seq);
    const r = await server.api('POST', `/drops/${id}/purchases`, { variant: 'm' }, buyer.token,
      { 'idempotency-key': `review-${id}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    bought[id] = buyer.token;
  }
  for (const id of ['cap', 'solo', 'rev']) {
    await put(`/admin/waiting-rooms/${id}-line`, roomFor('drop', id, opens));
  }
  // A launch on sale, its per-person limit of orders held by one buyer before its room is on.
  launchId = 'yu7-2025';
  const launch = (await server.api('GET', `/launches/${launchId}`)).body;
  const full = await apiBuyer(server, 803);
  for (let i = 0; i < launch.per_account_limit; i++) {
    const r = await server.api('POST', '/orders', { launch_id: launchId, trim: 'max',
      options: [], city: 'beijing' }, full.token, { 'Idempotency-Key': `review-order-${i}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  bought[launchId] = full.token;
  await put('/admin/waiting-rooms/launch-line', roomFor('launch', launchId, launch.opens_at));
  // A drop opening in two hours, at 40 s past a minute, behind a room whose line opens in one.
  const later = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 120 * MINUTE + 40_000)
    .toISOString();
  await put('/admin/drops/later', { ...drop(1, 5), opens_at: later });
  await put('/admin/waiting-rooms/later-line', { ...roomFor('drop', 'later', later),
    prequeue_at: new Date(Date.parse(later) - 60 * MINUTE).toISOString() });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const page = async (lang: 'en' | 'zh', token?: string): Promise<Page> => {
  const p = await (await phoneContext(browser, lang)).newPage();
  if (token) await signInPage(p, server.url, token);
  else await p.goto(`${server.url}/account`);
  return p;
};

/** Keeps a pass for the sale as the waiting-room page keeps it (waiting-pass.js storePass). */
const keepPass = (p: Page, scope: 'drop' | 'launch', id: string, token = 'p') =>
  p.evaluate(([key, tk]) => localStorage.setItem(key!, JSON.stringify({ token: tk,
    expires_at: new Date(Date.now() + 600e3).toISOString(), next_url: '' })),
  [`launchday.pass.${scope}.${id}`, token]);

const text = async (p: Page, selector: string) => {
  await p.locator(selector).first().waitFor();
  return (await p.locator(selector).first().textContent()) ?? '';
};

test('Enter in the code field signs in; Enter in the phone field sends a code (find 1)',
  async () => {
    const buyer = await apiBuyer(server, 810);
    const p = await page('en');
    const sent: string[] = [];
    p.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/sessions/code')) sent.push(r.url());
    });
    await p.fill('#signin-phone', buyer.phone);
    await p.press('#signin-phone', 'Enter');
    await p.locator('#dev-code').waitFor();
    assert.equal(sent.length, 1);
    // Once a code is sent, Sign in is the form's first submit button: the one Enter presses.
    assert.equal(await p.getAttribute('form.card button[type="submit"]', 'id'), 'sign-in');
    // Enter in the phone field (a number corrected) still sends a code.
    const resent = p.waitForResponse((r) => r.url().endsWith('/api/v1/sessions/code'));
    await p.press('#signin-phone', 'Enter');
    // The new code, as the page shows it once drawn (the first is void now).
    const code = String((await (await resent).json()).dev_code);
    await p.waitForFunction((c) => document.getElementById('dev-code')?.textContent
      ?.includes(c), code);
    assert.equal(sent.length, 2);
    await p.fill('#signin-code', code);
    await p.press('#signin-code', 'Enter');
    await p.waitForFunction(() => localStorage.getItem('launchday.token') !== null);
    assert.equal(sent.length, 2, 'no new code was sent: the one typed signed in');
    await p.context().close();
  });

test('a pass kept without signing in says the turn has come and to sign in, on the drop, '
  + 'launch and configure pages (find 2)', async () => {
  for (const [lang, drop, order] of [
    ['en', /turn in the waiting room has come: .*valid until .*Sign in to buy here/,
      /turn in the waiting room has come: .*valid until .*Sign in to order here/],
    ['zh', /排队已轮到您：购买凭证有效至.*请登录后在此页购买/,
      /排队已轮到您：下单凭证有效至.*请登录后在此页下单/]] as const) {
    const p = await page(lang);
    await keepPass(p, 'drop', 'rev');
    await p.goto(`${server.url}/drop?id=rev`);
    assert.match(await text(p, '.room-note[data-turn="pass"]'), drop);
    assert.equal(await p.locator('[data-room-link]').count(), 0, 'no line offered');
    assert.equal(await p.locator('a[href^="/account?next="]').count(), 1, 'the way to sign in');
    await keepPass(p, 'launch', launchId);
    for (const path of [`/configure?launch=${launchId}`, '/']) {
      await p.goto(`${server.url}${path}`);
      assert.match(await text(p, '.room-note[data-turn="pass"]'), order, path);
    }
    await p.context().close();
  }
});

test('a buyer at the per-account limit is told so and offered no way back into the room, '
  + 'pass or not (find 3)', async () => {
  for (const [lang, said] of [
    ['en', /as many as this sale allows per account \(1\): there is no further turn/],
    ['zh', /您已达到本次发售每个账户的限购数量（1），无法再次排队购买/]] as const) {
    const p = await page(lang, bought.cap);
    await p.goto(`${server.url}/drop?id=cap`);
    assert.match(await text(p, '.room-note[data-turn="limit"]'), said);
    assert.equal(await p.locator('[data-room-link]').count(), 0);
    await keepPass(p, 'drop', 'cap');
    await p.reload();
    assert.match(await text(p, '.room-note[data-turn="limit"]'), said);
    await p.context().close();
  }
  // A launch's: the configure page of a buyer holding the launch's two orders per person.
  for (const [lang, said] of [
    ['en', /as many orders as this launch allows per person \(2\): there is no further turn/],
    ['zh', /您已达到本次发布每人可下单的数量上限（2 单），无法再次排队下单/]] as const) {
    const p = await page(lang, bought[launchId]);
    await p.goto(`${server.url}/configure?launch=${launchId}`);
    assert.match(await text(p, '.room-note[data-turn="limit"]'), said);
    assert.equal(await p.locator('[data-room-link]').count(), 0);
    await p.context().close();
  }
  // The server agrees: the account gets no place, and the room's page says why, with no
  // "join again".
  const r = await server.api('POST', '/waiting-rooms/cap-line/tickets', undefined, bought.cap);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'drop_limit_reached');
  for (const [lang, said] of [['en', /as many as this sale allows per account: there is no/],
    ['zh', /您已达到本次发售每个账户的限购数量，无法再次排队/]] as const) {
    const p = await page(lang, bought.cap);
    await p.goto(`${server.url}/waiting-room?room=cap-line`);
    assert.match(await text(p, '#wr-limit'), said);
    assert.equal(await p.getAttribute('#wr-limit a', 'href'), '/drop?id=cap');
    assert.equal(await p.locator('#wr-join-again').count(), 0);
    await p.context().close();
  }
});

/** A real pass of `roomId` for a new signed-in buyer, admitted by the room. */
async function admittedPass(roomId: string, seq: number) {
  const buyer = await apiBuyer(server, seq);
  const joined = await server.api('POST', `/waiting-rooms/${roomId}/tickets`, undefined,
    buyer.token);
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  let ticket = joined.body.ticket as string;
  for (let i = 0; i < 100; i++) {
    const r = await server.api('GET', `/waiting-rooms/${roomId}/place`, undefined, undefined,
      { 'x-waiting-room-ticket': ticket });
    if (r.body.pass) return { buyer, pass: r.body.pass.token as string };
    ticket = r.body.ticket ?? ticket;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('not admitted in time');
}

test('a pass the operator revoked is forgotten on the refusal: no "your turn" above it, no Buy '
  + '(find 5)', async () => {
  for (const [lang, seq, ended] of [['en', 820, /Your pass has ended/],
    ['zh', 821, /您的购买凭证已过期、已使用或已被撤销/]] as const) {
    const { buyer, pass } = await admittedPass('rev-line', seq);
    const p = await page(lang, buyer.token);
    await keepPass(p, 'drop', 'rev', pass);
    await p.goto(`${server.url}/drop?id=rev`);
    await p.locator('.room-note[data-turn="pass"]').waitFor();
    await p.locator('[data-variant="m"]').waitFor();
    const room = await server.api('GET', '/admin/waiting-rooms/rev-line', undefined,
      ADMIN_TOKEN);
    const active = room.body.passes.filter((x: any) => x.status === 'active');
    assert.equal(active.length, 1, JSON.stringify(room.body.passes));
    const revoked = await server.api('POST',
      `/admin/waiting-rooms/rev-line/passes/${active[0].pass_id}/revoke`,
      { reason: 'Bot-like polling' }, ADMIN_TOKEN);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    await p.click('[data-variant="m"]');
    assert.match(await text(p, '.error'), ended);
    assert.equal(await p.locator('.room-note[data-turn="pass"]').count(), 0);
    assert.equal(await p.locator('[data-variant]').count(), 0, 'no Buy without a pass');
    assert.equal(await p.evaluate(() => localStorage.getItem('launchday.pass.drop.rev')), null);
    await p.context().close();
  }
});

test('a drop sold for good says so, and nothing of turns, whatever pass is kept (find 6)',
  async () => {
    for (const [lang, sold] of [['en', 'Sold out: every size is sold'], ['zh', '已全部售罄']] as const) {
      const p = await page(lang, bought.solo);
      await keepPass(p, 'drop', 'solo');
      await p.goto(`${server.url}/drop?id=solo`);
      await p.locator('ul.mine').waitFor();
      assert.equal(await text(p, '#drop-state'), sold);
      assert.equal(await p.locator('.room-note').count(), 0);
      await p.context().close();
    }
  });

test('the waiting room shows the opening to the second and counts down to it (find 7)',
  async () => {
    const LEFT = '(?:02:00:[0-4]\\d|01:5\\d:\\d\\d)';
    for (const [lang, line] of [['en', `^Sales open .*:40 \\(Beijing time\\) · in ${LEFT}$`],
      ['zh', `^开售时间 .*:40（北京时间） · 还有 ${LEFT}$`]] as const) {
      const p = await page(lang);
      await p.goto(`${server.url}/waiting-room?room=later-line`);
      assert.match(await text(p, '#wr-opens'), new RegExp(line));
      const left = await text(p, '#wr-countdown');
      await p.waitForFunction((was) => document.getElementById('wr-countdown')?.textContent
        !== was, left, { timeout: 3000 });
      // The drop page's line is the same code's.
      await p.goto(`${server.url}/drop?id=later`);
      assert.match(await text(p, '#drop-state'), /:40/);
      await p.context().close();
    }
  });

test('an order refused for a void pass forgets it too, as a launch\'s pages keep it (find 5)',
  async () => {
    const buyer = await apiBuyer(server, 830);
    const p = await page('en', buyer.token);
    await p.goto(`${server.url}/configure?launch=${launchId}`);
    await keepPass(p, 'launch', launchId, 'forged');
    // The order path as the configure page runs it (order-attempt.js), against the real room.
    // The module's address as a value: TypeScript would look for it on disk.
    const code = await p.evaluate(async ([id, module]) => {
      const { placeOrder } = await import(module!);
      const r = await placeOrder({ launch_id: id, trim: 'max', options: [], city: 'beijing' });
      return r.code as string;
    }, [launchId, '/js/order-attempt.js']);
    assert.equal(code, 'waiting_room_pass_invalid');
    assert.equal(await p.evaluate((key) => localStorage.getItem(key),
      `launchday.pass.launch.${launchId}`), null);
    await p.context().close();
  });
