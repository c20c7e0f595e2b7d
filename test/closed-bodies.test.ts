// Every request body takes only the fields its route declares (schema.ts closedFields): a
// misspelt field is refused with 422 invalid_request, naming it, and nothing is done. Before,
// only some operator edits were closed; a buyer's `"quantiy": 2` bought one unit, a room's
// `"grace_second"` left the grace at its default, an order change's `"option"` kept the
// options, each answered as if the request had been done.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, YU7_MAX, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => h.close());

/** A drop of one size with `units`, opening a second after the harness's clock. */
const drop = (h: Harness, units: number) => ({ name: 'Tee', name_zh: 'T恤', kind: 'merch',
  price_fen: 9_900, opens_at: new Date(h.ld.app.clock.nowMs() + 1000).toISOString(),
  per_account_limit: 2, per_identity_limit: 2,
  variants: [{ variant: 's', name: 'S', name_zh: 'S', quantity: units }] });

const notAField = (name: string) => `${JSON.stringify(name)} is not a field of this request: `
  + 'check its spelling.';

describe('closed request bodies', () => {
  it('every route that reads a JSON body declares it closed, in its checks and its document',
    async () => {
    // Every object that declares its properties, nested in lists too; a map (no properties,
    // or its own additionalProperties: capacity_per_week) is not one of them.
    const openIn = (schema: unknown, at: string, out: string[]): string[] => {
      if (schema === null || typeof schema !== 'object') return out;
      const o = schema as { properties?: Record<string, unknown>; additionalProperties?: unknown;
        items?: unknown };
      if (o.properties !== undefined) {
        if (o.additionalProperties === undefined || o.additionalProperties === true) out.push(at);
        for (const [k, v] of Object.entries(o.properties)) openIn(v, `${at}.${k}`, out);
      }
      if (o.items !== undefined) openIn(o.items, `${at}[]`, out);
      return out;
    };
    const open = h.ld.api.routes.flatMap((r) => [
      ...openIn(r.contract.body, `${r.method} ${r.path}`, []),
      ...openIn(r.contract.query, `${r.method} ${r.path}?`, [])]);
    assert.deepEqual(open, []);
    const doc = (await h.call('GET', '/openapi.json')).body;
    const documented: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, {
      requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
    }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (schema && 'properties' in schema && Object.keys(schema.properties as object).length
          > 0 && schema.additionalProperties !== false) documented.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(documented, []);
  });

  it('a buyer\'s misspelt quantity is refused and holds nothing', async () => {
    assert.equal((await h.call('PUT', '/admin/drops/closed-tee', { token: ADMIN,
      body: drop(h, 5) })).status, 201);
    await h.tick(2);
    const buyer = await h.buyer(1);
    const r = await h.call('POST', '/drops/closed-tee/purchases', { token: buyer.token,
      body: { variant: 's', quantiy: 2 }, headers: { 'idempotency-key': 'closed-1' } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'invalid_request');
    assert.equal(r.body.error.message, notAField('quantiy'));
    const figures = (await h.call('GET', '/drops/closed-tee')).body;
    const s = figures.variants.find((v: { variant: string }) => v.variant === 's');
    assert.equal(s.remaining, 5, 'no unit held');
    assert.deepEqual((await h.call('GET', '/drops/closed-tee/mine', { token: buyer.token }))
      .body.holds, []);
  });

  it('an operator\'s misspelt drop limit is refused and the drop is not created', async () => {
    const body = { ...drop(h, 5), per_acount_limit: 1 };
    const r = await h.call('PUT', '/admin/drops/closed-cap', { token: ADMIN, body });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.message, notAField('per_acount_limit'));
    assert.equal((await h.call('GET', '/drops/closed-cap')).status, 404);
  });

  it('a misspelt field in a row of a list is refused, naming the row, and nothing is recorded',
    async () => {
    const vin = 'LXMYU7AB5T0000077';
    const r = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
      launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'line 1',
      cars: [{ vin, trim: 'max', optionz: ['colour-emerald-green'] }] } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.message, notAField('cars[0].optionz'));
    const runs = await h.call('GET', '/admin/production-runs', { token: ADMIN });
    assert.doesNotMatch(JSON.stringify(runs.body), new RegExp(vin));
    const variant = { variant: 's', name: 'S', name_zh: 'S', quantity: 5 };
    const d = await h.call('PUT', '/admin/drops/closed-rows', { token: ADMIN,
      body: { ...drop(h, 5), variants: [variant, { ...variant, variant: 'm', qty: 5 }] } });
    assert.equal(d.status, 422, JSON.stringify(d.body));
    assert.equal(d.body.error.message, notAField('variants[1].qty'));
    assert.equal((await h.call('GET', '/drops/closed-rows')).status, 404);
  });

  it('a misspelt query parameter is refused, not read as the default', async () => {
    const r = await h.call('GET', '/admin/audit-log?limt=1', { token: ADMIN });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.message,
      '"limt" is not a parameter of this request: check its spelling.');
    // Its own parameters, and a bad value of one before an unknown name, as before.
    assert.equal((await h.call('GET', '/admin/audit-log?limit=1', { token: ADMIN })).status, 200);
    assert.equal((await h.call('GET', '/admin/audit-log?limit=0&limt=1', { token: ADMIN }))
      .body.error.message, '"limit" must be a whole number from 1 to 1000.');
  });

  it('quotes an unknown name as JSON, cut at 64 whole characters', async () => {
    const long = `${'k'.repeat(63)}\u{1F600}zz`;
    const r = await h.call('POST', '/sessions/code', { body: { phone: '13912345678',
      [long]: 1 } });
    assert.equal(r.body.error.message, notAField(`${'k'.repeat(63)}\u{1F600}…`));
    assert.doesNotMatch(r.body.error.message, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/,
      'no lone surrogate');
    const quoted = await h.call('POST', '/sessions/code', { body: { phone: '13912345678',
      'a" is fine; "b': 1 } });
    assert.equal(quoted.body.error.message,
      '"a\\" is fine; \\"b" is not a field of this request: check its spelling.');
  });

  it('a buyer\'s misspelt order change is refused and the order keeps what it had', async () => {
    const buyer = await h.buyer(2);
    await h.call('POST', '/admin/clock', { token: ADMIN, body: { advance_seconds: 120 } });
    const placed = await h.order(buyer.token, 'closed-order', YU7_MAX);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const id = placed.body.order_id as string;
    const r = await h.call('POST', `/orders/${id}/change`, { token: buyer.token,
      body: { trim: 'max', option: ['x'] } });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.message, notAField('option'));
    const now = (await h.call('GET', `/orders/${id}`, { token: buyer.token })).body;
    assert.deepEqual(now.history.map((e: { type: string }) => e.type),
      placed.body.history.map((e: { type: string }) => e.type), 'no change recorded');
  });
});
