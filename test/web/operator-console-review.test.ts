/// <reference types="node" />
// The operator console after a new user's review, in a browser (simulated server clock): a
// refused save keeps every field as typed and shows the field or rule the server names, in both
// languages; a blank room id is said beside the form, not sent; the drop form asks a deposit of
// cars only; a Hold on a list read before the ticket was admitted says so and reads the list
// again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, ROOM_CONSOLE_ENV, signedInConsole, startServerAndBrowser, ticketIdOf, type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
const pageErrors: string[] = [];

before(async () => {
  [server, browser] = await startServerAndBrowser({ ...ROOM_CONSOLE_ENV });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(pageErrors, []);
});

/** The console, signed in, on `tab`, in English. */
async function consoleTab(tab: string): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInConsole(browser, server, { tab, pageErrors });
  return { context: page.context(), page };
}

test('a refused room keeps what was typed and shows the rule the server names; a blank id is '
  + 'said, not sent (both languages)', async () => {
  const { context, page } = await consoleTab('rooms');
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT') sent.push(r.url());
  });
  await page.locator('#wr-new').waitFor();
  // The time fields show the format they take, as the drop and launch forms do.
  assert.equal(await page.getAttribute('#wr-new-opens', 'placeholder'), 'YYYY-MM-DD HH:MM');
  assert.equal(await page.getAttribute('#wr-new-prequeue', 'placeholder'), 'YYYY-MM-DD HH:MM');
  await page.click('#wr-create');
  assert.match((await page.textContent('#wr-new-problem')) ?? '', /room id/);
  assert.deepEqual(sent, [], 'nothing sent without an id');
  await page.fill('#wr-new-id', 'jacket-room');
  await page.selectOption('#wr-new-scope', 'drop');
  await page.fill('#wr-new-target', 'jaket');
  await page.fill('#wr-new-opens', '2025-06-26 22:00');
  await page.fill('#wr-new-prequeue', '2025-06-26 21:50');
  await page.fill('#wr-new-rate', '77');
  await page.check('#wr-new-adaptive');
  const typed = async () => [await page.inputValue('#wr-new-id'),
    await page.inputValue('#wr-new-scope'), await page.inputValue('#wr-new-target'),
    await page.inputValue('#wr-new-opens'), await page.inputValue('#wr-new-rate'),
    String(await page.isChecked('#wr-new-adaptive'))];
  const expected = ['jacket-room', 'drop', 'jaket', '2025-06-26 22:00', '77', 'true'];
  await page.click('#wr-create');
  const error = page.locator('.console-toast .error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /The server says: .*there is no drop jaket/);
  assert.deepEqual(await typed(), expected);
  // The switch the scope names follows the kept scope.
  assert.match((await page.textContent('#wr-new')) ?? '', /purchases need a pass/);
  // In Chinese: the sentence in Chinese, the server's words under it; the fields still kept.
  await page.click('#lang-switch');
  await page.getByText('新建排队室', { exact: true }).waitFor();
  await page.click('#wr-create');
  await page.locator('.console-toast .error', { hasText: '服务器说明（英文）' }).waitFor();
  assert.match((await error.textContent()) ?? '', /排队室的设置无效.*there is no drop jaket/);
  assert.deepEqual(await typed(), expected);
  await context.close();
});

test('the drop form asks a deposit of cars only, and a refused drop keeps what was typed',
  async () => {
    const { context, page } = await consoleTab('drops');
    await page.locator('#drop-form').waitFor();
    assert.equal(await page.isVisible('#d-deposit'), false, 'merchandise has no deposit');
    await page.selectOption('#d-kind', 'car');
    assert.equal(await page.isVisible('#d-deposit'), true);
    await page.selectOption('#d-kind', 'merch');
    assert.equal(await page.isVisible('#d-deposit'), false);
    await page.fill('#d-id', 'tee');
    await page.fill('#d-name', 'Launch tee');
    await page.fill('#d-name-zh', '发布会T恤');
    await page.fill('#d-price', '129');
    await page.fill('#d-opens', '2025-06-27 20:00');
    // The server refuses a variant of none for sale.
    await page.fill('#d-variants', 'm, M, 中号, 0');
    await page.click('#d-save');
    const error = page.locator('.console-toast .error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /The server says: /);
    assert.equal(await page.inputValue('#d-name'), 'Launch tee');
    assert.equal(await page.inputValue('#d-price'), '129');
    assert.equal(await page.inputValue('#d-variants'), 'm, M, 中号, 0');
    await context.close();
  });

test('a Hold on a list read before the ticket was admitted says so and reads the list again',
  async () => {
    const put = (suspended: boolean) => server.api('PUT', '/admin/waiting-rooms/night', {
      scope: 'launch', target_id: 'yu7-2025', enabled: true, suspended,
      opens_at: '2025-06-26T14:00:00.000Z', prequeue_at: '2025-06-26T13:50:00.000Z',
      admit_per_minute: 600, active_max: 100 }, ADMIN_TOKEN);
    // Suspended: the ticket waits while the operator reads the list.
    assert.ok([200, 201].includes((await put(true)).status));
    const ticket = ticketIdOf((await server.api('POST', '/waiting-rooms/night/tickets'))
      .body.ticket);
    await server.api('POST', '/admin/clock', { advance_seconds: 200 }, ADMIN_TOKEN);
    const { context, page } = await consoleTab('rooms');
    await page.selectOption('#wr-find-status', 'waiting');
    await page.click('#wr-find-go');
    const row = page.locator(`#wr-ticket-list li[data-ticket="${ticket}"]`);
    await row.waitFor();
    // Meanwhile the room resumes and the ticket is admitted.
    assert.equal((await put(false)).status, 200);
    const admitted = async () => (await server.api('GET',
      '/admin/waiting-rooms/night/tickets?status=admitted', undefined, ADMIN_TOKEN)).body
      .tickets.some((x: { ticket_id: string }) => x.ticket_id === ticket);
    for (let i = 0; i < 20 && !(await admitted()); i++) {
      await server.api('POST', '/admin/clock', { advance_seconds: 2 }, ADMIN_TOKEN);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(await admitted(), 'the ticket was admitted');
    await page.fill('#wr-hold-reason', 'one device, many tickets');
    await row.locator('button[data-action="hold"]').click();
    const notice = page.locator('.console-toast .notice-ok');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', new RegExp(`Ticket ${ticket} was admitted `
      + 'meanwhile'));
    assert.doesNotMatch((await page.textContent('.console-toast')) ?? '', /Check the ticket id/);
    await row.waitFor({ state: 'detached' });
    await context.close();
  });
