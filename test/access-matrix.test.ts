// The access matrix: every API route, called as no one, as the buyer who owns the order, as
// another buyer, and as the operator, against the table in docs/access.md, which is the policy
// and its documentation at once. A route without a row fails, so a new route must be added to
// the table. A refusal must leave the store exactly as it was (a digest before and after).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Route } from '../src/kernel/http/route.js';
import { ADMIN, harness, YU7_MAX, type Harness, type Reply } from './harness.js';
import { QuietPayments } from './quiet-payments.js';
import { sampleBody } from './route-samples.js';
import { storeDigest } from './store-digest.js';

const TABLE = 'docs/access.md';
const CALLERS = ['anonymous', 'buyer', 'other buyer', 'operator'] as const;
type CallerName = typeof CALLERS[number];
/** `yes`, `same` (as buyer), or the refusal expected. */
type Cell = { kind: 'yes' } | { kind: 'same' } | { kind: 'no'; status: number; code: string };

interface Row {
  readonly method: string;
  readonly path: string;
  readonly cells: Readonly<Record<CallerName, Cell>>;
}

/** The rows of the table in docs/access.md. */
export function accessTable(text = readFileSync(TABLE, 'utf8')): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*(GET|POST|PATCH|PUT|DELETE)\s*\|\s*`([^`]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (m === null) continue;
    const cells = m[3]!.split('|').map((c) => c.trim());
    assert.equal(cells.length, CALLERS.length, `${TABLE}: ${line}`);
    const parsed = cells.map((c): Cell => {
      if (c === 'yes' || c === 'same') return { kind: c };
      const x = /^(\d{3}) ([a-z_]+)$/.exec(c);
      assert.ok(x, `${TABLE}: cell "${c}" is neither yes, same nor "<status> <code>"`);
      return { kind: 'no', status: Number(x[1]), code: x[2]! };
    });
    rows.push({ method: m[1]!, path: m[2]!, cells: Object.fromEntries(CALLERS.map((c, i) =>
      [c, parsed[i]!])) as Record<CallerName, Cell> });
  }
  return rows;
}

describe('access matrix (docs/access.md)', () => {
  let h: Harness;
  let routes: readonly Route[];
  let other: string;
  let windowId: string;
  let n = 0;

  before(async () => {
    h = await harness({}, new QuietPayments() as never);
    routes = h.ld.api.routes;
    await h.tick(120); // The YU7 sale is open.
    other = (await h.buyer(2)).token;
    const w = await h.call('GET', '/admin/change-windows', { token: ADMIN });
    windowId = w.body.change_windows[0].window_id;
  });
  after(() => h.close());

  it('has one row for every route, and a route for every row', () => {
    const table = accessTable();
    const inTable = table.map((r) => `${r.method} ${r.path}`);
    const inCode = routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(inCode.filter((r) => !inTable.includes(r)), [],
      `routes without a row in ${TABLE}: add one`);
    assert.deepEqual(inTable.filter((r) => !inCode.includes(r)), [],
      `rows in ${TABLE} for routes that do not exist`);
    assert.equal(new Set(inTable).size, inTable.length, 'a route with two rows');
  });

  it('agrees with each route\'s declared access', () => {
    for (const row of accessTable()) {
      const route = routes.find((r) => r.method === row.method && r.path === row.path)!;
      const anonymous = row.cells.anonymous.kind === 'yes';
      // /metrics is public so that the metrics token reaches its own check (docs/access.md).
      const selfGuarded = row.method === 'GET' && row.path === '/metrics';
      assert.equal(anonymous || selfGuarded, route.access === 'public',
        `${row.method} ${row.path}`);
    }
  });

  it('lets each caller do what the table says, and refusals change nothing', async () => {
    let calls = 0;
    for (const row of accessTable()) {
      const route = routes.find((r) => r.method === row.method && r.path === row.path)!;
      // The live stream never ends: its row is checked from its declared access only.
      if (route.stream && route.path.endsWith('/live')) continue;
      for (const caller of CALLERS) {
        const cell = row.cells[caller].kind === 'same' ? row.cells.buyer : row.cells[caller];
        // The order's owner is a new buyer each time: each may hold two orders only.
        const owner = await h.buyer(10_000 + n);
        const order = row.path.includes(':order_id')
          ? (await h.order(owner.token, `matrix-${n}`, YU7_MAX)).body.order_id : 'none';
        n += 1;
        const path = row.path.replace(':order_id', order).replace(':launch_id', 'yu7-2025')
          .replace(':window_id', windowId)
          .replace(/:(session_id|name|account_id|drop_id|hold_id|centre|vin|sale_id)/g, 'none');
        // Signing out (DELETE /sessions) ends a buyer's tokens: the other buyer is new too.
        const token = { anonymous: undefined, buyer: owner.token,
          'other buyer': row.path.startsWith('/sessions') ? (await h.buyer(20_000 + n)).token
            : other, operator: ADMIN }[caller];
        const before = storeDigest(h.dir);
        const body = sampleBody(row.method, row.path, n);
        const r: Reply = await h.call(row.method, path, { token, ...(body === undefined ? {}
          : { body }), headers: { 'idempotency-key': `matrix-key-${n}` } });
        const what = `${row.method} ${row.path} as ${caller}: ${r.status} ${
          JSON.stringify(r.body).slice(0, 200)}`;
        calls += 1;
        assert.ok(r.status < 500, what);
        if (cell.kind === 'no') {
          assert.equal(r.status, cell.status, what);
          assert.equal(r.body?.error?.code, cell.code, what);
          assert.deepEqual(storeDigest(h.dir), before, `${what}: the refusal changed the store`);
        } else {
          const denials = new Set(['unauthorized', 'admin_only', 'order_not_found']);
          for (const c of Object.values(row.cells)) if (c.kind === 'no') denials.add(c.code);
          assert.ok(!denials.has(r.body?.error?.code), `${what}: expected it to be allowed`);
        }
      }
    }
    assert.ok(calls >= 100, `${calls} calls`);
  });
});
