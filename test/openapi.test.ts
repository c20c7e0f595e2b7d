// GET /api/v1/openapi.json against what the server is: the document is valid OpenAPI 3.1 (a kept
// validator), lists every route the app serves with its method and every code of the catalogue
// with its status, agrees with docs/api.md and the README's route table path by path, and the
// main routes' real replies match the reply schemas it declares for them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { outcomes, type OutcomeCode } from '../src/kernel/outcomes.js';
import { compileReply } from '../src/kernel/http/schema.js';
import { ADMIN, harness, YU7_MAX, type Harness, type Reply } from './harness.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, {
    responses: Record<string, { 'x-codes'?: string[];
      content?: Record<string, { schema: unknown }> }>;
    requestBody?: { content?: Record<string, { schema: unknown }> };
  }>>;
  components: { schemas: Record<string, unknown> };
};

const docPath = (path: string): string => path.replace(/:([a-z_]+)/g, '{$1}');

/** What the document lacks: routes (by method and path) and codes (by code and status). */
export function missingFromDocument(doc: Doc, routes: ReadonlyArray<{ method: string;
  path: string }>): { routes: string[]; codes: string[] } {
  const missingRoutes = routes.filter((r) => doc.paths[docPath(r.path)]?.[r.method.toLowerCase()]
    === undefined).map((r) => `${r.method} ${r.path}`);
  const listed = new Set<string>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const code of response['x-codes'] ?? []) listed.add(`${code} ${status}`);
      }
    }
  }
  const missingCodes = (Object.keys(outcomes) as OutcomeCode[])
    .filter((code) => !listed.has(`${code} ${outcomes[code].status}`));
  return { routes: missingRoutes, codes: missingCodes };
}

/** `METHOD /path` pairs of docs/api.md's tables and lists, parameters as `{}`. */
function apiDocRoutes(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/`(GET|POST|PATCH|PUT|DELETE) (\/[^`?\s]*)[^`]*`/g)) {
    const path = m[2]!.replace(/^\/api\/v1/, '');
    out.add(`${m[1]} ${path.replace(/\{[^}]*\}|:[a-z_]+/g, '{}')}`);
  }
  return out;
}

describe('the OpenAPI document', () => {
  let h: Harness;
  let doc: Doc;
  let raw: Reply;

  before(async () => {
    h = await harness();
    raw = await h.call('GET', '/openapi.json');
    doc = raw.body as Doc;
  });
  after(() => h.close());

  it('is served publicly as JSON, the same bytes every time', async () => {
    assert.equal(raw.status, 200);
    assert.match(String(raw.headers['content-type']), /^application\/json/);
    const again = await h.call('GET', '/openapi.json');
    assert.deepEqual(again.body, raw.body);
    assert.equal(doc.openapi, '3.1.0');
    // About 190 KB: kept by caches a while, then revalidated by its ETag (prepared-reply.ts
    // also gzips it when asked, as it does every prepared reply).
    const etag = String(raw.headers.etag);
    assert.match(etag, /^W\/"/);
    assert.match(String(raw.headers['cache-control']), /^public, max-age=\d+$/);
    const unchanged = await h.call('GET', '/openapi.json', { headers: { 'if-none-match': etag } });
    assert.equal(unchanged.status, 304);
  });

  it('validates as OpenAPI 3.1', async () => {
    const result = await new Validator().validate(doc as never);
    assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 1));
    assert.equal(result.valid, true);
  });

  it('holds only schemas that JSON Schema 2020-12 itself accepts (each one compiled by Ajv)',
    () => {
      // The OpenAPI validator above does not check the schemas inside: a `"type": [null,
      // "null"]` (orNull of a union) passed it, and failed every client that compiled it.
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      ajv.addSchema({ ...doc, $id: 'openapi' } as never);
      const bad: string[] = [];
      const schemas: Array<[string, unknown]> = Object.keys(doc.components.schemas)
        .map((name) => [`components/schemas/${name}`, { $ref: `openapi#/components/schemas/${name}` }]);
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          for (const [status, r] of Object.entries(op.responses)) {
            for (const media of Object.values(r.content ?? {})) {
              schemas.push([`${method} ${path} ${status}`, rebase(media.schema)]);
            }
          }
          const body = op.requestBody?.content?.['application/json']?.schema;
          if (body) schemas.push([`${method} ${path} body`, rebase(body)]);
        }
      }
      for (const [where, schema] of schemas) {
        try {
          ajv.compile(schema as never);
        } catch (err) {
          bad.push(`${where}: ${(err as Error).message}`);
        }
      }
      assert.deepEqual(bad, []);
    });

  it('lists every route the app serves, with its method, and every code with its status', () => {
    const routes = h.ld.api.routes;
    // The live stream, health, metrics and the document itself are routes like the rest.
    for (const p of ['/launches/:launch_id/live', '/health', '/metrics', '/openapi.json']) {
      assert.ok(routes.some((r) => r.path === p), p);
    }
    assert.deepEqual(missingFromDocument(doc, routes), { routes: [], codes: [] });
    // And no operation the app does not serve.
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${docPath(r.path)}`));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) assert.ok(served.has(`${method} ${path}`), path);
    }
  });

  it('fails the check above when a route or a code is missing', () => {
    const routes = h.ld.api.routes;
    const cut = structuredClone(doc);
    delete cut.paths['/orders/{order_id}/lock']!.post;
    for (const item of Object.values(cut.paths)) {
      for (const op of Object.values(item)) {
        for (const response of Object.values(op.responses)) {
          response['x-codes'] = response['x-codes']?.filter((c) => c !== 'order_not_firm');
        }
      }
    }
    const missing = missingFromDocument(cut, routes);
    assert.deepEqual(missing.routes, ['POST /orders/:order_id/lock']);
    assert.ok(missing.codes.includes('order_not_firm'), String(missing.codes));
  });

  it('names every route of docs/api.md, and docs/api.md every route it names', () => {
    const inDoc = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        inDoc.add(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`);
      }
    }
    const inApiMd = apiDocRoutes(readFileSync('docs/api.md', 'utf8'));
    assert.deepEqual([...inDoc].filter((r) => !inApiMd.has(r)).sort(), [],
      'routes of the document missing from docs/api.md');
    // A path of the page may be an instance of a route (`DELETE /sessions/current`).
    const instanceOf = (route: string, template: string): boolean => {
      const a = route.split(/[ /]/);
      const b = template.split(/[ /]/);
      return a.length === b.length && a.every((part, i) => b[i] === part || b[i] === '{}');
    };
    assert.deepEqual([...inApiMd].filter((r) => ![...inDoc].some((t) => instanceOf(r, t)))
      .sort(), [], 'routes of docs/api.md missing from the document');
  });

  it('names every route in the README\'s "API in one screen", and the README only those', () => {
    // That table missed whole capabilities (drops, deliveries, price books) for sessions.
    const inDoc = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        inDoc.add(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`);
      }
    }
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('## The API in one screen');
    assert.ok(start >= 0, 'the README has its "API in one screen" section');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const inReadme = apiDocRoutes(section);
    assert.deepEqual([...inDoc].filter((r) => !inReadme.has(r)).sort(), [],
      'routes of the document missing from the README');
    assert.deepEqual([...inReadme].filter((r) => !inDoc.has(r)).sort(), [],
      'routes of the README missing from the document');
  });

  it('declares the replies the main routes really send', async () => {
    const buyer = await h.buyer(1);
    await h.tick(120);
    const placed = await h.order(buyer.token, 'k-openapi', YU7_MAX);
    const orderId = placed.body.order_id as string;
    const calls: Array<[string, string, Reply]> = [
      ['post', '/orders', placed],
      ['post', '/orders', await h.order(buyer.token, 'k-openapi', YU7_MAX)],
      ['get', '/time', await h.call('GET', '/time')],
      ['get', '/launches', await h.call('GET', '/launches')],
      ['get', '/launches/{launch_id}', await h.call('GET', '/launches/yu7-2025')],
      ['get', '/launches/{launch_id}/estimate',
        await h.call('GET', '/launches/yu7-2025/estimate?trim=max&city=beijing')],
      ['get', '/launches/{launch_id}/stats', await h.call('GET', '/launches/yu7-2025/stats')],
      ['get', '/me', await h.call('GET', '/me', { token: buyer.token })],
      ['get', '/me', await h.call('GET', '/me', { token: ADMIN })],
      ['get', '/orders', await h.call('GET', '/orders', { token: buyer.token })],
      ['get', '/orders/{order_id}', await h.call('GET', `/orders/${orderId}`,
        { token: buyer.token })],
      ['get', '/sessions', await h.call('GET', '/sessions', { token: buyer.token })],
      ['post', '/orders/{order_id}/change', await h.call('POST', `/orders/${orderId}/change`,
        { token: buyer.token, body: { city: 'shanghai' } })],
      ['post', '/orders/{order_id}/lock', await h.call('POST', `/orders/${orderId}/lock`,
        { token: buyer.token, body: { confirm: true } })],
      // The lock queued a message (notifications).
      ['get', '/orders/{order_id}/messages', await h.call('GET', `/orders/${orderId}/messages`,
        { token: buyer.token })],
      ['put', '/notifications/language', await h.call('PUT', '/notifications/language',
        { token: buyer.token, body: { language: 'en' } })],
      ['get', '/admin/notifications', await h.call('GET', '/admin/notifications',
        { token: ADMIN })],
      ['get', '/admin/notifications/{notification_id}', await h.call('GET',
        `/admin/notifications/${(await h.call('GET', '/admin/notifications', { token: ADMIN }))
          .body.notifications[0].message_id}`, { token: ADMIN })],
      ['get', '/admin/orders', await h.call('GET', `/admin/orders?order_id=${orderId}`,
        { token: ADMIN })],
      ['get', '/admin/launches/{launch_id}/orders',
        await h.call('GET', '/admin/launches/yu7-2025/orders', { token: ADMIN })],
      ['get', '/admin/audit-log', await h.call('GET', '/admin/audit-log', { token: ADMIN })],
      ['get', '/admin/operators', await h.call('GET', '/admin/operators', { token: ADMIN })],
      ['get', '/admin/change-windows', await h.call('GET', '/admin/change-windows',
        { token: ADMIN })],
      ['post', '/admin/change-windows', await h.call('POST', '/admin/change-windows',
        { token: ADMIN, body: { from_launch_id: 'yu7-2025', opens_at: '2025-07-01T00:00:00Z',
          closes_at: '2025-07-02T00:00:00Z', allows: ['city'] } })],
      ['patch', '/admin/launches/{launch_id}', await h.call('PATCH', '/admin/launches/yu7-2025',
        { token: ADMIN, body: { per_account_limit: 3 } })],
      ['get', '/admin/payments/anomalies', await h.call('GET', '/admin/payments/anomalies',
        { token: ADMIN })],
      ['get', '/admin/payments/unsettled', await h.call('GET', '/admin/payments/unsettled',
        { token: ADMIN })],
      ['get', '/health', await h.call('GET', '/health')],
      ['get', '/health/live', await h.call('GET', '/health/live')],
      ['get', '/health/ready', await h.call('GET', '/health/ready')],
      ['post', '/orders/{order_id}/cancel', await h.call('POST', `/orders/${orderId}/cancel`,
        { token: buyer.token, body: {} })],
      ['post', '/sessions/code', await h.call('POST', '/sessions/code',
        { body: { phone: buyer.phone } })],
      ['post', '/sessions', await h.call('POST', '/sessions',
        { body: { phone: buyer.phone, code: '000000' } })],
      ['delete', '/sessions', await h.call('DELETE', '/sessions', { token: buyer.token })],
    ];
    for (const [method, path, reply] of calls) {
      const declared = doc.paths[path]?.[method]?.responses[String(reply.status)];
      assert.ok(declared, `${method} ${path} ${reply.status} is declared`);
      const schema = declared.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${path} ${reply.status} has a schema`);
      const check = compileReply(withErrorSchema(schema, doc));
      assert.ok(check(reply.body), `${method.toUpperCase()} ${path} ${reply.status}: ${
        JSON.stringify(check.errors)} in ${JSON.stringify(reply.body).slice(0, 300)}`);
    }
  });
});

/**
 * A reply schema with the document's shared schemas in place of their references, every object
 * closed to undeclared fields.
 */
function withErrorSchema(schema: unknown, doc: Doc): never {
  const shared = (doc as unknown as { components: { schemas: Record<string, unknown> } })
    .components.schemas;
  const resolved = JSON.parse(JSON.stringify(schema), (_key, v: unknown) => {
    const ref = (v as { $ref?: string } | null)?.$ref;
    return typeof ref === 'string' ? shared[ref.replace('#/components/schemas/', '')] : v;
  }) as unknown;
  return closed(resolved, false) as never;
}

/**
 * Strict here, not in the document: an object that declares its properties may carry no other,
 * so a field a reply gained without its schema fails this test. The members of an `allOf` stay
 * open (each sees only part of the object); the `allOf` itself is closed instead.
 */
function closed(v: unknown, member: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => closed(x, false));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = k === 'allOf' && Array.isArray(x)
    ? x.map((m) => closed(m, true)) : closed(x, false);
  if ('allOf' in o && !('unevaluatedProperties' in o)) out.unevaluatedProperties = false;
  else if (!member && 'properties' in o && !('additionalProperties' in o)) {
    out.additionalProperties = false;
  }
  return out;
}

/** A schema of the document with its `#/...` references made to point into it (`openapi#/...`). */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema ?? {}), (key, v: unknown) => (key === '$ref'
    && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : v));
}
