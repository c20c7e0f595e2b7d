// The column layout of an order, shared by every SQL adapter so that they cannot drift.
import type { DepositState, Order, OrderStatus } from './order.js';

export const ORDER_COLUMNS = [
  'order_id', 'account_id', 'launch_id', 'model_id', 'trim', 'options', 'city', 'status',
  'price_fen', 'deposit_fen', 'deposit_state', 'created_at_ms', 'cooling_off_ends_at_ms',
  'locked_at_ms', 'cancelled_at_ms', 'queued_at_ms', 'queue_place', 'trim_seq',
  'changed_in_window_id', 'idempotency_key', 'request_hash', 'version',
] as const;

export type OrderRow = Record<(typeof ORDER_COLUMNS)[number], string | number | null>;

export function orderToValues(o: Order): Array<string | number | null> {
  return [
    o.orderId, o.accountId, o.launchId, o.modelId, o.trim, o.options.join(','), o.city, o.status,
    o.priceFen, o.depositFen, o.depositState, o.createdAtMs, o.coolingOffEndsAtMs, o.lockedAtMs,
    o.cancelledAtMs, o.queuedAtMs, o.queuePlace, o.trimSeq, o.changedInWindowId,
    o.idempotencyKey, o.requestHash, o.version,
  ];
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function rowToOrder(r: OrderRow): Order {
  const options = String(r.options);
  return {
    orderId: String(r.order_id), accountId: String(r.account_id), launchId: String(r.launch_id),
    modelId: String(r.model_id), trim: String(r.trim),
    options: options === '' ? [] : options.split(','), city: String(r.city),
    status: r.status as OrderStatus, priceFen: num(r.price_fen), depositFen: num(r.deposit_fen),
    depositState: r.deposit_state as DepositState, createdAtMs: num(r.created_at_ms),
    coolingOffEndsAtMs: num(r.cooling_off_ends_at_ms), lockedAtMs: numOrNull(r.locked_at_ms),
    cancelledAtMs: numOrNull(r.cancelled_at_ms), queuedAtMs: numOrNull(r.queued_at_ms),
    queuePlace: numOrNull(r.queue_place), trimSeq: numOrNull(r.trim_seq),
    changedInWindowId: r.changed_in_window_id === null ? null : String(r.changed_in_window_id),
    idempotencyKey: String(r.idempotency_key), requestHash: String(r.request_hash),
    version: num(r.version),
  };
}

/**
 * The SQL condition that a cancelled order (table alias `o`) still counts against its account's
 * limit in the launch: an operator cancelled it as suspicious (its `cancelled` event's detail
 * says `flagged: true`, order-commands.ts). The ring does not get its place back (the
 * attacker's finding 4, issue #17); a buyer's own cancel frees it.
 */
export const COUNTED_CANCEL = (dialect: 'sqlite' | 'postgres', o: string): string => {
  const flagged = dialect === 'sqlite' ? "json_extract(e.detail, '$.flagged') = 1"
    : "(e.detail::jsonb ->> 'flagged') = 'true'";
  return `EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = ${o}.order_id `
    + `AND e.type = 'cancelled' AND ${flagged})`;
};
