/// <reference types="node" />
// The operator console's list of a waiting room's tickets, page by page: the server gives at
// most waitingTicketsListMax (100) a page with the next page's offset (session 18), and the
// console showed only the first page, so a bot's ticket past the hundredth could not be found
// or held. Here 130 people join; the console shows tickets 1-100, then 101-130 with Next, back
// with Previous, the same pages the server gives, in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, ROOM_CONSOLE_ENV, DESKTOP_VIEWPORT, startServerAndBrowser, unlabelledControls,
  type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
const PEOPLE = 130;

before(async () => {
  [server, browser] = await startServerAndBrowser({ ...ROOM_CONSOLE_ENV });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The ids the server lists from `offset` (all waiting and held ones, in line order). */
async function serverPage(offset: number): Promise<string[]> {
  const r = await server.api('GET', `/admin/waiting-rooms/night/tickets?offset=${offset}`,
    undefined, ADMIN_TOKEN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.tickets.map((t: { ticket_id: string }) => t.ticket_id);
}

/** The console in English on its Rooms tab, the room's waiting and held tickets found. */
async function foundTickets() {
  const context = await browser.newContext({ viewport: DESKTOP_VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem('launchday.lang', 'en'));
  await page.goto(`${server.url}/admin`);
  await page.fill('#admin-token', ADMIN_TOKEN);
  await page.click('#use-token');
  await page.click('#tab-rooms');
  await page.click('#wr-find-go');
  return { context, page };
}

const shown = (page: Page) => page.locator('#wr-ticket-list li')
  .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-ticket')));

test('the operator pages through a room\'s tickets past the first hundred, and back',
  async () => {
    // Suspended: nobody is admitted while the operator looks, so every ticket stays waiting.
    const put = await server.api('PUT', '/admin/waiting-rooms/night', { scope: 'launch',
      target_id: 'yu7-2025', enabled: true, suspended: true,
      opens_at: '2025-06-26T14:00:00.000Z', prequeue_at: '2025-06-26T13:50:00.000Z',
      admit_per_minute: 600, active_max: 100 }, ADMIN_TOKEN);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    for (let i = 0; i < PEOPLE; i++) {
      const r = await server.api('POST', '/waiting-rooms/night/tickets');
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const [first, second] = [await serverPage(0), await serverPage(100)];
    assert.deepEqual([first.length, second.length], [100, PEOPLE - 100]);

    const { context, page } = await foundTickets();
    await page.locator('#wr-find-next').waitFor();
    assert.match((await page.textContent('#wr-find-count')) ?? '',
      /^Tickets 1–100 of those found \(as of .*Beijing time\), in line order$/);
    assert.deepEqual(await shown(page), first);
    assert.equal(await page.isDisabled('#wr-find-prev'), true, 'no page before the first');
    await page.click('#wr-find-next');
    await page.waitForFunction(() => document.querySelector('#wr-find-count')?.textContent
      ?.startsWith('Tickets 101–130'));
    assert.deepEqual(await shown(page), second);
    assert.equal(await page.isDisabled('#wr-find-next'), true, 'no page after the last');
    // A ticket on the second page is held from beside it; the list read again stays there.
    const bot = second[10]!;
    await page.fill('#wr-hold-reason', 'one device, many tickets');
    await page.locator(`#wr-ticket-list li[data-ticket="${bot}"] button[data-action="hold"]`)
      .click();
    await page.locator(`#wr-ticket-list li[data-ticket="${bot}"] button[data-action="release"]`)
      .waitFor();
    assert.match((await page.textContent('#wr-find-count')) ?? '', /^Tickets 101–130 /);
    assert.deepEqual(await unlabelledControls(page), []);
    await page.click('#wr-find-prev');
    await page.waitForFunction(() => document.querySelector('#wr-find-count')?.textContent
      ?.startsWith('Tickets 1–100'));
    assert.deepEqual(await shown(page), first);
    // In Chinese: the pages and the buttons.
    await page.click('#lang-switch');
    await page.getByText('下一页', { exact: true }).waitFor();
    assert.match((await page.textContent('#wr-find-count')) ?? '', /^第 1–100 个（截至 .*北京时间）/);
    assert.equal(await page.textContent('#wr-find-prev'), '上一页');
    await page.click('#wr-find-next');
    await page.waitForFunction(() => document.querySelector('#wr-find-count')?.textContent
      ?.startsWith('第 101–130 个'));
    await context.close();
  });

test('a page of one ticket is said as that ticket, and a page past the last as none, '
  + 'never "Tickets 201–201" or "Tickets 200–200"', async () => {
    // 130 joined above, one of them held: 70 more make 200 listed, two full pages and a third
    // with nothing on it; one more puts one ticket there.
    const join = async () => {
      const r = await server.api('POST', '/waiting-rooms/night/tickets');
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };
    for (let i = 0; i < 70; i++) await join();
    assert.equal((await serverPage(100)).length, 100);
    assert.equal((await serverPage(200)).length, 0);
    const { context, page } = await foundTickets();
    const countIs = (prefix: string) => page.waitForFunction((p) =>
      document.querySelector('#wr-find-count')?.textContent?.startsWith(p), prefix);
    await countIs('Tickets 1–100');
    await page.click('#wr-find-next');
    await countIs('Tickets 101–200');
    await page.click('#wr-find-next');
    await countIs('None found past the first 200');
    assert.deepEqual(await shown(page), []);
    await join();
    await page.click('#wr-find-prev');
    await countIs('Tickets 101–200');
    await page.click('#wr-find-next');
    await countIs('Ticket 201 of those found');
    assert.deepEqual(await shown(page), await serverPage(200));
    await page.click('#lang-switch');
    await countIs('第 201 个');
    await context.close();
  });
