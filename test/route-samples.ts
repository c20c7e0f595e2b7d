// A valid body for each route that takes one, so that a test's request reaches the route's work
// rather than stopping at its field checks. `n` makes the people in it new each time.
import { syntheticIdentity } from '../src/accounts/identity.js';

const ORDER = { launch_id: 'yu7-2025', trim: 'max', options: [], city: 'beijing' };

/** The body for `method path` (the route table's path); `{}` for a route not listed. */
export function sampleBody(method: string, path: string, n: number): unknown {
  const id = syntheticIdentity(700_000 + n);
  const bodies: Record<string, unknown> = {
    'POST /accounts': { phone: id.phone, name: `Sample ${n}`, id_number: id.idNumber },
    'POST /sessions/code': { phone: syntheticIdentity(1).phone },
    'POST /sessions': { phone: syntheticIdentity(1).phone, code: '000000' },
    'POST /orders': ORDER,
    'POST /orders/:order_id/lock': { confirm: true },
    'POST /orders/:order_id/cancel': { accept_forfeit: true },
    'POST /orders/:order_id/change': { city: 'shanghai' },
    'POST /admin/clock': { advance_seconds: 0 },
    'POST /admin/accounts/import': { accounts: [{ phone: id.phone, name: `Sample ${n}`,
      id_number: id.idNumber }] },
    'PATCH /admin/launches/:launch_id': { per_account_limit: 2 },
    'POST /admin/change-windows': { from_launch_id: 'yu7-2025', opens_at: '2025-06-27T00:00:00Z',
      closes_at: '2025-06-28T00:00:00Z', allows: ['colour'] },
    'POST /admin/orders/:order_id/cancel': { accept_forfeit: true },
    'POST /payments/notifications': { type: 'refund.succeeded', reference: 'x' },
    'POST /admin/production-plans': { launch_id: 'yu7-2025', trim: 'max',
      rates: [{ from: '2025-09-01', units_per_week: 1000 }], reason: 'sample' },
    'POST /admin/delivery-centres': { city_id: 'beijing', handovers_per_week: 500,
      opens_on: '2025-07-01', reason: 'sample' },
    'POST /admin/replans': { reason: 'sample' },
    'POST /admin/production-runs': { launch_id: 'yu7-2025', built_on: '2025-09-01',
      cars: [{ vin: '11111111111111111', trim: 'max', options: [] }], reason: 'sample' },
    'PUT /notifications/language': { language: 'en' },
    'PUT /admin/drops/:drop_id': { name: 'Jacket', name_zh: '夹克', kind: 'merch',
      price_fen: 129_900, opens_at: '2030-01-01T00:00:00Z', per_account_limit: 1,
      per_identity_limit: 1, variants: [{ variant: 'm', name: 'M', name_zh: 'M', quantity: 8 }] },
    'POST /drops/:drop_id/purchases': { variant: 'm', quantity: 1 },
    'POST /drops/:drop_id/waitlist': { variant: 'm' },
    'POST /orders/:order_id/balance/parts': { amount_fen: 100_000, method: 'card' },
    'POST /orders/:order_id/delivery/defer': { days: 30 },
    'PUT /orders/:order_id/delivery/appointment': { slot_start: '2025-07-01T02:00:00Z' },
    'POST /admin/orders/:order_id/handover': { inspection_confirmed: true, keys_given: true },
    'PUT /admin/delivery-slots/:centre/capacity': { capacity: 4 },
    'POST /admin/deliveries/ready': { centre: 'nowhere' },
    'POST /admin/launches/:launch_id/price-versions': { item_kind: 'trim', item_id: 'max',
      price_fen: 31_590_000, effective_from: '2026-01-01T00:00:00Z', reason: 'sample' },
    'PUT /admin/books/:launch_id/settings': { costs: { max: 25_000_000 },
      deliveries_per_year_target: 100_000, undelivered_pays_lower: true,
      delivered_within_days: 30 },
    'POST /admin/ready-stock/listings': { vin: 'none', city: 'beijing' },
    'POST /ready-stock/:vin/purchases': { mode: 'full' },
    // Off, and in front of no launch: a sample room must not gate other tests' orders.
    'PUT /admin/waiting-rooms/:room_id': { scope: 'launch', target_id: 'sample-launch',
      enabled: false, opens_at: '2030-01-01T00:10:00Z', prequeue_at: '2030-01-01T00:00:00Z',
      admit_per_minute: 60, active_max: 10 },
    'POST /admin/waiting-rooms/:room_id/passes/:pass_id/revoke': { reason: 'sample' },
    'POST /admin/waiting-rooms/:room_id/tickets/:ticket_id/hold': { held: true,
      reason: 'sample' },
  };
  return bodies[`${method} ${path}`] ?? (method === 'GET' ? undefined : {});
}
