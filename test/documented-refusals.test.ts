// Refusals that the OpenAPI document once left out of their routes, each given once through the
// harness, whose every call checks that the code it got is listed for the route and status
// (harness.ts checkDocumented): the table is the reviewers' finds of session 13.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, type Harness } from './harness.js';

const CASES: ReadonlyArray<{ method: string; path: string; body: unknown; status: number;
  code: string }> = [
  // reason() answers reason_required itself (schema.ts); the contracts did not repeat it.
  { method: 'POST', path: '/admin/waiting-rooms/r1/passes/p1/revoke', body: {}, status: 422,
    code: 'reason_required' },
  { method: 'POST', path: '/admin/waiting-rooms/r1/tickets/t1/hold', body: { held: true },
    status: 422, code: 'reason_required' },
  // A segment that does not percent-decode names no route at all (http-app.ts pathParts).
  { method: 'PUT', path: '/admin/delivery-slots/%ff/capacity', body: { capacity: 4 },
    status: 404, code: 'route_not_found' },
  // Session 13's attacker: a capacity for a city no launch delivers to was stored (200) and
  // never used; its slot table answered too. Both now refuse, and store nothing.
  { method: 'PUT', path: '/admin/delivery-slots/atlantis/capacity', body: { capacity: 4 },
    status: 404, code: 'delivery_city_not_found' },
  { method: 'GET', path: '/admin/delivery-slots/atlantis', body: undefined, status: 404,
    code: 'delivery_city_not_found' },
  { method: 'POST', path: '/admin/deliveries/ready', body: { centre: 'atlantis' }, status: 404,
    code: 'delivery_city_not_found' },
];

describe('refusals the OpenAPI document lists for their routes', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  for (const c of CASES) {
    it(`${c.method} ${c.path}: ${c.status} ${c.code}`, async () => {
      const r = await h.call(c.method, c.path, { token: ADMIN, body: c.body });
      assert.equal(r.status, c.status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, c.code);
    });
  }
});
