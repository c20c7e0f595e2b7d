/// <reference types="node" />
// The console's Production tab (issue 15): a plan edited in the page (a reason required, said
// beside its field), a new version beside the old ones, the chart of weekly capacity against
// locked demand redrawn from the new plan, the estimates the re-plan moved, delivery centres
// added with the cities each serves, a run pasted as CSV allocated in queue order with the rest
// in ready stock, and the truth share. English, then the same tab read in Chinese; desktop and
// tablet screenshots as the console's other tests keep them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { withCheckCharacter } from '../../src/production/vin.js';
import {
  ADMIN_TOKEN,
  DESKTOP_VIEWPORT,
  SCREENSHOT_DIR,
  apiBuyer,
  signedInConsole,
  startServerAndBrowser,
  unlabelledControls,
  type Server,
} from './web-harness.js';

const TABLET_VIEWPORT = { width: 768, height: 1024 };
const LAUNCH = 'yu7-2025';
const CONFIG = { launch_id: LAUNCH, trim: 'max', options: [], city: 'beijing' };
const WEEK_MS = 7 * 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
/** Monday 00:00 in Beijing of the week holding `ms`, as the server's week grid has it. */
const monday = (ms: number): number => {
  const epoch = Date.UTC(2024, 0, 1) - BEIJING_MS;
  return epoch + Math.floor((ms - epoch) / WEEK_MS) * WEEK_MS;
};
const beijingDate = (ms: number): string => new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
const vin = (n: number): string => withCheckCharacter(`LXMYU7AB0T${String(n).padStart(7, '0')}`);

let server: Server;
let browser: Browser;
const pageErrors: string[] = [];
const orders: string[] = [];
let week0 = 0; // this week's Monday (ms)

const admin = (method: string, path: string, body?: unknown) =>
  server.api(method, path, body, ADMIN_TOKEN);

before(async () => {
  [server, browser] = await startServerAndBrowser();
  week0 = monday(Date.now());
  // Two locked before any plan, the third after the first version: only the third was shown a
  // plan's window at its lock (the truth share's denominator).
  for (let i = 0; i < 3; i++) {
    const buyer = await apiBuyer(server, 70 + i);
    const o = await server.api('POST', '/orders', CONFIG, buyer.token,
      { 'idempotency-key': `prod-console-${i}` });
    assert.equal(o.status, 201, JSON.stringify(o.body));
    orders.push(o.body.order_id);
    if (i === 2) {
      const p = await admin('POST', '/admin/production-plans', { launch_id: LAUNCH, trim: 'max',
        rates: [{ from: beijingDate(week0), units_per_week: 1 }], reason: 'first plan' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
    }
    const l = await server.api('POST', `/orders/${o.body.order_id}/lock`, { confirm: true },
      buyer.token);
    assert.equal(l.status, 200, JSON.stringify(l.body));
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function consolePage(lang: 'en' | 'zh', viewport = DESKTOP_VIEWPORT): Promise<Page> {
  const page = await signedInConsole(browser, server,
    { lang, viewport, tab: 'production', pageErrors });
  await page.selectOption('#pp-launch', LAUNCH);
  await page.locator('#pp-trim').waitFor();
  await page.selectOption('#pp-trim', 'max');
  await page.locator('#plan-chart').waitFor();
  return page;
}

async function consoleShots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const sizes = [['desktop', DESKTOP_VIEWPORT], ['tablet', TABLET_VIEWPORT]] as const;
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** The chart's weeks as drawn: [from, capacity, locked, capacity bar height, locked height]. */
const chartWeeks = (page: Page) =>
  page.$$eval('#plan-chart g.week', (gs) => gs.map((g) => [
    g.getAttribute('data-from'), Number(g.getAttribute('data-capacity')),
    Number(g.getAttribute('data-locked')),
    Number(g.querySelector('rect.cap')!.getAttribute('height')),
    Number(g.querySelector('rect.dem')!.getAttribute('height'))]));

/** The text of the first element `selector` finds ('' when it has none). */
const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().textContent()) ?? '';

const toast = async (page: Page) => {
  await page.locator('#console-toast:not([hidden])').waitFor();
  return (await page.locator('#console-toast').textContent()) ?? '';
};

test('a trim without a plan says so in both languages, and is no error', async () => {
  for (const [lang, words] of [['en', /This trim has no plan yet/],
    ['zh', /此版本还没有生产计划/]] as const) {
    const page = await consolePage(lang);
    // 'pro' has no plan in this file: the normal state of a trim before production is planned.
    await page.selectOption('#pp-trim', 'pro');
    await page.locator('#plan-none').waitFor();
    assert.match(await text(page, '#plan-none'), words);
    assert.equal(await page.locator('#plan-chart').count(), 0);
    assert.equal(await page.locator('#console-toast:not([hidden])').count(), 0,
      `${lang}: ${await text(page, '#console-toast')}`);
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  }
});

test('a plan edited in the console: reason required, a new version, the chart redrawn, the '
  + 'moved estimates listed', async () => {
  const page = await consolePage('en');
  // One car a week from this week: the three locked orders fill the first three weeks.
  let weeks = await chartWeeks(page);
  assert.deepEqual(weeks.slice(0, 4).map((w) => w.slice(0, 3)), [
    [beijingDate(week0), 1, 1], [beijingDate(week0 + WEEK_MS), 1, 1],
    [beijingDate(week0 + 2 * WEEK_MS), 1, 1], [beijingDate(week0 + 3 * WEEK_MS), 1, 0]]);
  assert.ok(Number(weeks[0]![3]) > 0 && weeks[0]![3] === weeks[0]![4], 'a full week: bars equal');
  assert.equal(weeks[3]![4], 0, 'an empty week has no locked bar');
  assert.match(await text(page, '#plan-chart-summary'),
    /^3 locked orders; the last is built in the week of \d+ \w+ \d{4}\.$/);
  assert.match(await text(page, '#plan-in-force'),
    /version 1, by operator:admin .* because: first plan/);
  assert.match(await text(page, '#plan-chart title'),
    /YU7 Max: weekly capacity against locked demand/);

  // Three a week; sent without a reason: said beside the field, nothing sent.
  await page.fill('#pr-units-0', '3');
  await page.click('#pr-save');
  assert.equal(await page.getAttribute('#pr-reason', 'aria-invalid'), 'true');
  assert.match((await page.textContent('#pr-reason-error')) ?? '', /reason is required/);
  const plan = `/admin/production-plans/${LAUNCH}/max`;
  assert.equal((await admin('GET', plan)).body.versions.length, 1);
  // A second rate from week 5, with the reason this time.
  await page.click('#pr-add-rate');
  await page.fill('#pr-from-1', beijingDate(week0 + 5 * WEEK_MS));
  await page.fill('#pr-units-1', '2');
  await page.fill('#pr-reason', 'suppliers sped up');
  await page.click('#pr-save');
  // The second order moves a week earlier. The first stays; the third locked after the first
  // version, so this re-plan gives it its first stored estimate: that is no move.
  assert.match(await toast(page), /Plan version 2 saved; re-plan: 1 earlier, 0 later\./);
  const versions = (await admin('GET', plan)).body.versions;
  assert.deepEqual(versions.map((v: any) => [v.version, v.reason, v.rates.length]),
    [[1, 'first plan', 1], [2, 'suppliers sped up', 2]]);
  // The chart from the new version: all three built in the first week; the rate drops in week 5.
  await page.waitForFunction(() =>
    document.querySelector('#plan-chart g.week')?.getAttribute('data-capacity') === '3');
  weeks = await chartWeeks(page);
  assert.deepEqual(weeks.slice(0, 2).map((w) => w.slice(0, 3)),
    [[beijingDate(week0), 3, 3], [beijingDate(week0 + WEEK_MS), 3, 0]]);
  assert.deepEqual(weeks[5]!.slice(0, 3), [beijingDate(week0 + 5 * WEEK_MS), 2, 0]);
  assert.ok(Number(weeks[5]![3]) < Number(weeks[0]![3]), '2 a week is drawn lower than 3');
  // Both versions readable, newest first, with who, why and their rates.
  const rows = page.locator('#plan-versions tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match((await rows.nth(0).textContent()) ?? '',
    /2.*operator:admin.*suppliers sped up.*3 a week from.*2 a week from/);
  assert.match((await rows.nth(1).textContent()) ?? '', /1.*first plan.*1 a week from/);
  // The re-plan and the two estimates it moved earlier.
  const replan = page.locator('#replans tbody tr').first();
  assert.match((await replan.textContent()) ?? '', /plan change.*suppliers sped up/);
  await replan.getByRole('button').click();
  await page.locator('#replan-changes').waitFor();
  const moves = await page.$$eval('#replan-changes tbody tr', (trs) => trs.map((tr) =>
    [tr.children[0]!.textContent, tr.getAttribute('data-direction'), tr.children[4]!.textContent]));
  assert.deepEqual(moves, [[orders[1], 'earlier', '1 week(s) earlier']]);
  assert.deepEqual(await unlabelledControls(page), []);
  await consoleShots(page, 'admin-production-plan-en');
  await page.context().close();
});

test('delivery centres, a run pasted as CSV, ready stock and the truth share', async () => {
  const page = await consolePage('en');
  // Beijing's centre, open since last year; Tianjin's opens next year, served by Beijing.
  await page.selectOption('#dc-city', 'beijing');
  await page.fill('#dc-handovers', '50');
  await page.fill('#dc-opens', '2025-01-01');
  await page.click('#dc-save');
  assert.equal(await page.getAttribute('#dc-reason', 'aria-invalid'), 'true');
  await page.fill('#dc-reason', 'Beijing centre');
  await page.click('#dc-save');
  assert.match(await toast(page), /Beijing centre version 1 saved/);
  await page.selectOption('#dc-city', 'tianjin');
  await page.fill('#dc-handovers', '20');
  await page.fill('#dc-opens', beijingDate(week0 + 52 * WEEK_MS));
  await page.selectOption('#dc-served-by', 'beijing');
  await page.fill('#dc-reason', 'opens next year');
  await page.click('#dc-save');
  await page.locator('#centres tr[data-city="tianjin"]').waitFor();
  const beijing = page.locator('#centres tr[data-city="beijing"]');
  assert.match((await beijing.locator('td.served').textContent()) ?? '', /^Beijing, Tianjin$/);
  assert.match((await page.locator('#centres tr[data-city="tianjin"]').textContent()) ?? '',
    /Opens \d+ \w+ \d{4}.*Beijing.*—.*version 1 · operator:admin/);
  assert.match((await page.textContent('#cities-without-centre')) ?? '', /Shanghai/);
  // Edit fills the form from the centre; a new version is kept.
  await beijing.getByRole('button').click();
  assert.equal(await page.inputValue('#dc-handovers'), '50');
  await page.fill('#dc-handovers', '60');
  await page.fill('#dc-reason', 'more bays');
  await page.click('#dc-save');
  assert.match(await toast(page), /Beijing centre version 2 saved/);
  assert.equal((await admin('GET', '/admin/delivery-centres/beijing')).body.versions.length, 2);
  // Both versions readable in the table: the new first, the old with its 50 a week.
  await page.locator('#centres tr[data-city="beijing"] details.centre-versions summary').click();
  const old = page.locator('#centres tr[data-city="beijing"] details.centre-versions li');
  await old.nth(1).waitFor();
  assert.match((await old.nth(0).textContent()) ?? '', /^version 2 · .*more bays.* 60 ·/);
  assert.match((await old.nth(1).textContent()) ?? '', /^version 1 · .*Beijing centre.* 50 ·/);

  // A run: a line the page refuses first (a short VIN), then three for the queue and one
  // green car nobody waits for. Built in week 2, inside the window the third order was shown.
  const built = beijingDate(week0 + 2 * WEEK_MS);
  assert.equal(await page.inputValue('#run-launch'), LAUNCH, 'the launch of the plan in view');
  await page.fill('#run-built-on', built);
  await page.fill('#run-cars', `vin,trim,options\n${vin(1)},max\nLXM123,max`);
  await page.fill('#run-reason', 'week 2');
  await page.click('#run-save');
  assert.match((await page.textContent('#run-cars-error')) ?? '', /Line 3: a VIN is 17 letters/);
  assert.equal((await admin('GET', '/admin/production-runs')).body.runs.length, 0);
  await page.fill('#run-cars', `vin,trim,options\n${vin(1)},max\n${vin(2)},max\n${vin(3)},max`);
  // The fourth through the one-car form.
  await page.fill('#run-vin', vin(4));
  await page.selectOption('#run-trim', 'max');
  await page.fill('#run-options', 'colour-emerald-green');
  // Enter in a one-car field adds the car, as the button does (it recorded the run without it).
  await page.press('#run-options', 'Enter');
  assert.match(await page.inputValue('#run-cars'),
    new RegExp(`${vin(4)},max,colour-emerald-green$`));
  assert.equal(await page.textContent('#run-count'), '4 car(s)');
  await page.click('#run-save');
  assert.match(await toast(page),
    /Recorded 4 car\(s\) \(0 recorded before\): 3 allocated to orders, 1 to ready stock\./);
  const run = page.locator('#runs details.run').first();
  assert.match((await run.locator('summary').textContent()) ?? '',
    /Built \d+ \w+ \d{4} · yu7-2025 · recorded by operator:admin .* 4 car\(s\): 3 allocated, 1 to/);
  await run.locator('summary').click();
  const went = await run.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [tr.getAttribute('data-vin'), tr.children[3]!.textContent]));
  assert.deepEqual(went, [[vin(1), orders[0]], [vin(2), orders[1]], [vin(3), orders[2]],
    [vin(4), 'Ready stock']]);
  assert.match((await page.locator('#ready-stock tbody tr').textContent()) ?? '',
    new RegExp(`${vin(4)}.*YU7 Max · Emerald Green`));
  // Of the three allocated, only the third was shown a window at its lock, and its car came in it.
  await page.click('#pr-refresh');
  await page.waitForFunction(() =>
    /100\.0%/.test(document.getElementById('truth-share')?.textContent ?? ''));
  assert.match((await page.textContent('#truth-share')) ?? '',
    new RegExp('^100\\.0%: of the 1 allocated order shown a window at their lock, 1 got '
      + 'their car inside it \\(3 orders allocated in all\\)\\.$'));
  assert.deepEqual(await unlabelledControls(page), []);
  await consoleShots(page, 'admin-production-runs-en');
  await page.context().close();
});

test('the same tab in Chinese, and a re-plan now needs a reason', async () => {
  const page = await consolePage('zh', TABLET_VIEWPORT);
  assert.match((await page.locator('#plan-chart title').first().textContent()) ?? '',
    /YU7 Max：每周产能与已锁单需求/);
  assert.match(await text(page, '#plan-chart-summary'),
    /^3 个已锁单订单；最后一个在 \d{4}年\d+月\d+日 开始的一周生产。$/);
  assert.match((await page.textContent('#truth-share')) ?? '', /^100\.0%：锁单时看到交付窗口的 1 个已分车订单中，1 个/);
  assert.match(await text(page, '#centres tr[data-city="beijing"] td.served'), /^北京、天津$/);
  await page.click('#rp-now');
  assert.match((await page.textContent('#rp-reason-error')) ?? '', /请填写原因/);
  const before = (await admin('GET', '/admin/replans')).body.replans.length;
  await page.fill('#rp-reason', '每周检查');
  await page.click('#rp-now');
  assert.match(await toast(page), /重新排期完成：3 个订单，0 个提前、0 个推迟/);
  assert.equal((await admin('GET', '/admin/replans')).body.replans.length, before + 1);
  assert.match((await page.locator('#replans tbody tr').first().textContent()) ?? '', /手动.*每周检查/);
  assert.deepEqual(await unlabelledControls(page), []);
  assert.deepEqual(pageErrors, []);
  await consoleShots(page, 'admin-production-zh');
  await page.context().close();
});

test('the outbox says each message\'s kind, channel and language, and shows its history',
  async () => {
    const page = await consolePage('en');
    await page.click('#tab-notifications');
    // The scheduled messages of the run above, with the VIN, among the others.
    const row = page.locator('#notifications tbody tr', { hasText: vin(1) });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /scheduled \(VIN\) · (SMS|push) · (中文|English)/);
    await row.getByRole('button', { name: /History/ }).click();
    const panel = page.locator('#n-history');
    await panel.waitFor();
    const id = await row.getAttribute('data-message');
    assert.match((await panel.locator('h3').textContent()) ?? '',
      new RegExp(`Delivery history of ${id}`));
    assert.ok(((await panel.textContent()) ?? '').includes(vin(1)));
    // What the panel says is what the API has for it.
    const api = (await admin('GET', `/admin/notifications/${id}`)).body;
    assert.match((await panel.textContent()) ?? '', new RegExp(`Key ${api.key}`));
    assert.deepEqual(await unlabelledControls(page), []);
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });
