// Text that is not well-formed Unicode (a lone UTF-16 surrogate, sent as a \ud800 escape) is
// refused with text_not_well_formed at every route that takes text, before any field's rule: it
// would be kept as U+FFFD (PostgreSQL, JSON), so the value checked would not be the one stored.
// A VIN with one passed the operator's production-run route.
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import inject from 'light-my-request';
import { after, before, describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { notWellFormedAt } from '../src/kernel/http/http-io.js';
import { ADMIN, harness, YU7_MAX, type Harness } from './harness.js';
import { sampleBody } from './route-samples.js';

const LONE = 'A\ud800B';
/** Routes that look up their path first (a car not in stock): that refusal keeps nothing. */
const PATH_FIRST = new Set(['POST /ready-stock/:vin/purchases']);

/** The name of an object schema's first string field (null when it has none). */
function firstStringField(schema: TSchema | undefined): string | null {
  const props = (schema as { properties?: Record<string, TSchema> } | undefined)?.properties;
  for (const [name, s] of Object.entries(props ?? {})) {
    const type = (s as { type?: unknown }).type;
    if (type === 'string' || (Array.isArray(type) && type.includes('string'))) return name;
  }
  return null;
}

describe('text that is not well-formed Unicode', () => {
  let h: Harness;
  let buyer = '';
  let orderId = '';
  before(async () => {
    h = await harness();
    await h.tick(120);
    buyer = (await h.buyer(1)).token;
    orderId = (await h.order(buyer, 'wf-1', YU7_MAX)).body.order_id;
  });
  after(() => h.close());

  const send = (method: string, path: string, body: unknown, access: string,
    headers: Record<string, string> = {}) => h.call(method, path
    .replaceAll(':order_id', orderId).replaceAll(':launch_id', 'yu7-2025')
    .replace(/:[a-z_]+/g, 'x'), { raw: JSON.stringify(body), headers: {
    'content-type': 'application/json', 'idempotency-key': 'wf-key', ...headers },
  ...(access === 'admin' ? { token: ADMIN } : access === 'public' ? {} : { token: buyer }) });

  it('is refused at every route whose body takes a string, in its first string field',
    async () => {
      const refusedAt: string[] = [];
      const failed: string[] = [];
      for (const r of h.ld.api.routes) {
        const field = firstStringField(r.contract.body);
        if (field === null) continue;
        const sample = sampleBody(r.method, r.path, 1) as Record<string, unknown>;
        const reply = await send(r.method, r.path, { ...sample, [field]: LONE }, r.access);
        const where = `${r.method} ${r.path} "${field}"`;
        if (PATH_FIRST.has(`${r.method} ${r.path}`) && reply.status === 404) continue;
        if (reply.status === 400 && reply.body.error.code === 'text_not_well_formed'
          && reply.body.error.message.startsWith(`"${field}" holds a lone`)) {
          refusedAt.push(`${r.method} ${r.path}`);
        } else {
          failed.push(`${where}: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      }
      assert.deepEqual(failed, []);
      // The table is not empty by accident: the operator's routes that keep text are in it.
      for (const r of ['POST /admin/production-runs', 'POST /admin/ready-stock/listings',
        'POST /accounts', 'POST /orders', 'PUT /admin/drops/:drop_id']) {
        assert.ok(refusedAt.includes(r), r);
      }
    });

  // [what, method, path, access, body, the path the message names]
  const ROWS: Array<[string, string, string, string, unknown, string]> = [
    ['a VIN in a production run (the fault found)', 'POST', '/admin/production-runs', 'admin',
      { launch_id: 'yu7-2025', built_on: '2025-09-01', reason: 'run',
        cars: [{ vin: `LXMSU7AB0R000000${'\udc00'}`, trim: 'max', options: [] }] },
      'cars/0/vin'],
    ['a VIN listed as ready stock', 'POST', '/admin/ready-stock/listings', 'admin',
      { vin: `\ud83d${'1'.repeat(16)}`, city: 'beijing' }, 'vin'],
    ['an option of an order', 'POST', '/orders', 'buyer',
      { ...YU7_MAX, options: ['a', '\udfff'] }, 'options/1'],
    ['a name in an import row', 'POST', '/admin/accounts/import', 'admin',
      { accounts: [{ phone: '13900000009', name: `Li${'\ud800'}`, id_number: 'x' }] },
      'accounts/0/name'],
    ['a field name the body does not take', 'POST', '/accounts', 'public',
      { [`x${'\ud800'}`]: 1 }, `x\ufffd`],
    ['a reason', 'POST', `/admin/orders/:order_id/cancel`, 'admin',
      { accept_forfeit: true, reason: `\udbff` }, 'reason'],
  ];
  for (const [what, method, path, access, body, at] of ROWS) {
    it(`is refused in ${what}`, async () => {
      const reply = await send(method, path, body, access);
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.error.code, 'text_not_well_formed');
      assert.ok(reply.body.error.message.startsWith(`"${at}" holds a lone UTF-16 surrogate`),
        reply.body.error.message);
    });
  }

  it('refuses a body that is not UTF-8, even one signed as sent: 400, not 401 forged', async () => {
    // Decoded, its bytes would have become U+FFFD: neither the text sent nor the one signed.
    const bytes = Buffer.concat([Buffer.from('{"event_id":"e1","type":"refund.succeeded",'
      + '"reference":"r'), Buffer.from([0xff]), Buffer.from('","amount_fen":1,'
      + '"occurred_at":"2025-06-26T14:00:00Z"}')]);
    const t = Date.now();
    const mac = createHmac('sha256', h.ld.paymentSecret).update(Buffer.concat([
      Buffer.from(`${t}.`), bytes])).digest('hex');
    const r = await inject(h.ld.handler as never, { method: 'POST',
      url: '/api/v1/payments/notifications', payload: bytes, headers: {
        'content-type': 'application/json', 'payment-signature': `t=${t},v1=${mac}` } });
    assert.equal(r.statusCode, 400, r.payload);
    assert.equal(r.json().error.code, 'text_not_well_formed');
    const account = await inject(h.ld.handler as never, { method: 'POST', url: '/api/v1/accounts',
      payload: Buffer.from([0x7b, 0xfe, 0x7d]), headers: { 'content-type': 'application/json' } });
    assert.equal(account.statusCode, 400, account.payload);
    assert.equal(account.json().error.code, 'text_not_well_formed');
  });

  it('leaves whole surrogate pairs alone (an emoji is text like any other)', async () => {
    const r = await send('POST', '/admin/production-runs', { launch_id: 'yu7-2025',
      built_on: '2025-09-01', reason: 'run 😀', cars: [] }, 'admin');
    assert.notEqual(r.body.error?.code, 'text_not_well_formed', JSON.stringify(r.body));
  });

  it('refuses an Idempotency-Key holding one as a key not by the rule (it is stored)',
    async () => {
      const r = await send('POST', '/orders', YU7_MAX, 'buyer',
        { 'idempotency-key': `k${'\ud800'}` });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'idempotency_key_missing');
    });

  it('never reaches a route through the query: an encoded surrogate decodes to U+FFFD',
    async () => {
      const r = await h.call('GET', '/admin/orders?phone=%ED%A0%80', { token: ADMIN });
      assert.ok(r.status < 500, JSON.stringify(r.body));
      assert.notEqual(r.body.error?.code, 'text_not_well_formed');
      // The rule the query is held to, should it ever be read another way.
      assert.equal(notWellFormedAt({ phone: '1\ud800' }), 'phone');
      assert.equal(notWellFormedAt({ phone: ['1', '\udc00'] }), 'phone/1');
      assert.equal(notWellFormedAt({ phone: '\ufffd😀' }), null);
    });
});
