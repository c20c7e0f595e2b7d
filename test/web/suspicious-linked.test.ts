/// <reference types="node" />
// The console's suspicious-pattern report in a browser, for a ring behind one device that ships
// to a parcel locker an honest buyer uses too: the honest buyer is listed apart as linked (by
// the address it shares), never in the cluster's cancel; in both languages (issue #17). Each
// buyer's network comes as a proxy in front would send it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  ADMIN_TOKEN, idNumber, phoneNumber, signedInConsole, startServerAndBrowser, type Server,
} from './web-harness.js';

let server: Server;
let browser: Browser;
const pageErrors: string[] = [];
const LOCKER = 'Parcel locker 3, 88 College Road, Hangzhou';

before(async () => {
  [server, browser] = await startServerAndBrowser({ LAUNCHDAY_TRUST_PROXY: 'on' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  assert.deepEqual(pageErrors, []);
});

const consolePage = (lang: 'en' | 'zh'): Promise<Page> =>
  signedInConsole(browser, server, { lang, pageErrors });

/** Registers and buys one jacket sent to `address`, from `device` on `network`. */
async function buy(seq: number, device: string, network: string, address: string) {
  const headers = { 'x-device-id': device, 'x-forwarded-for': network };
  const r = await server.api('POST', '/accounts', { phone: phoneNumber(), name: `Buyer ${seq}`,
    id_number: idNumber(seq) }, undefined, headers);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const bought = await server.api('POST', '/drops/locker/purchases', { variant: 'm',
    delivery_address: address }, r.body.token, { 'idempotency-key': `locker-${seq}`,
    ...headers });
  assert.equal(bought.status, 201, JSON.stringify(bought.body));
  return r.body.account_id as string;
}

test('an honest buyer sharing only the ring\'s parcel locker is shown linked, not cancelled',
  async () => {
    const put = await server.api('PUT', '/admin/drops/locker', { name: 'Locker jacket',
      name_zh: '夹克', kind: 'merch', price_fen: 129_900,
      opens_at: new Date(Date.now() + 1500).toISOString(), per_account_limit: 1,
      per_identity_limit: 1, variants: [{ variant: 'm', name: 'M', name_zh: 'M码',
        quantity: 10 }] }, ADMIN_TOKEN);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    await new Promise((r) => setTimeout(r, 1600));
    for (let i = 0; i < 3; i++) await buy(700 + i, 'ring-device-lkr', `172.16.9.${i + 1}`, LOCKER);
    const honest = await buy(710, 'own-device-710', '10.1.2.3', LOCKER);
    const page = await consolePage('en');
    await page.click('#tab-suspicious');
    await page.selectOption('#s-scope', 'drop:locker');
    await page.click('#s-run');
    const cluster = page.locator('.cluster').first();
    await cluster.waitFor();
    const linked = cluster.locator('details.linked');
    assert.equal(await linked.getAttribute('data-linked'), '1');
    assert.match((await linked.locator('summary').textContent()) ?? '',
      /Linked, not flagged: 1 account sharing only one weak key/);
    await linked.locator('summary').click();
    assert.match((await linked.locator(`li[data-account="${honest}"]`).textContent()) ?? '',
      /address adr_/);
    // The cancel names the ring's three purchases, not the linked one.
    assert.match((await cluster.locator('[data-cancel-cluster]').textContent()) ?? '',
      /Cancel this cluster's 3 unlocked orders/);
    const zh = await consolePage('zh');
    await zh.click('#tab-suspicious');
    await zh.selectOption('#s-scope', 'drop:locker');
    await zh.click('#s-run');
    await zh.locator('.cluster details.linked').waitFor();
    assert.match((await zh.textContent('.cluster details.linked summary')) ?? '',
      /关联但未标记：1 个账户仅与本群组共用一项弱关联/);
  });
