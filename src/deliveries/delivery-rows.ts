// Rows of deliveries' tables as both adapters read and write them.
import type {
  BalancePart, Delivery, Method, MoneyEvent, ReleaseReason, Stage,
} from './delivery.js';
import type { DeliveryAnomaly, PartToCheck } from './deliveries-store.js';

export const DELIVERY_COLUMNS = ['order_id', 'account_id', 'launch_id', 'city', 'centre', 'vin',
  'price_fen', 'deposit_fen', 'cycle', 'stage', 'scheduled_at_ms', 'ready_at_ms', 'due_at_ms',
  'reminded_at_ms', 'notice_at_ms', 'grace_ends_at_ms', 'received_fen', 'pending_fen',
  'refunded_fen', 'deferred_until_ms', 'deferred_days', 'released_at_ms', 'release_reason',
  'no_shows', 'slot_start_ms', 'delivered_at_ms', 'revenue_fen', 'next_sweep_at_ms',
  'updated_at_ms'] as const;

export const PART_COLUMNS = ['part_id', 'order_id', 'reference', 'method', 'amount_fen',
  'status', 'requested_at_ms', 'settled_at_ms', 'refunded_fen', 'refunded_at_ms',
  'idempotency_key'] as const;

type Row = Record<string, unknown>;
const n = (v: unknown): number => Number(v);
const nn = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const deliveryValues = (d: Delivery): unknown[] => [d.orderId, d.accountId, d.launchId,
  d.city, d.centre, d.vin, d.priceFen, d.depositFen, d.cycle, d.stage, d.scheduledAtMs,
  d.readyAtMs, d.dueAtMs, d.remindedAtMs, d.noticeAtMs, d.graceEndsAtMs, d.receivedFen,
  d.pendingFen, d.refundedFen, d.deferredUntilMs, d.deferredDays, d.releasedAtMs,
  d.releaseReason, d.noShows, d.slotStartMs, d.deliveredAtMs, d.revenueFen, d.nextSweepAtMs,
  d.updatedAtMs];

export const deliveryFromRow = (r: Row): Delivery => ({ orderId: r.order_id as string,
  accountId: r.account_id as string, launchId: r.launch_id as string, city: r.city as string,
  centre: r.centre as string, vin: (r.vin as string | null) ?? null, priceFen: n(r.price_fen),
  depositFen: n(r.deposit_fen), cycle: n(r.cycle), stage: r.stage as Stage,
  scheduledAtMs: n(r.scheduled_at_ms), readyAtMs: nn(r.ready_at_ms), dueAtMs: nn(r.due_at_ms),
  remindedAtMs: nn(r.reminded_at_ms), noticeAtMs: nn(r.notice_at_ms),
  graceEndsAtMs: nn(r.grace_ends_at_ms), receivedFen: n(r.received_fen),
  pendingFen: n(r.pending_fen), refundedFen: n(r.refunded_fen),
  deferredUntilMs: nn(r.deferred_until_ms), deferredDays: n(r.deferred_days),
  releasedAtMs: nn(r.released_at_ms),
  releaseReason: (r.release_reason as ReleaseReason | null) ?? null, noShows: n(r.no_shows),
  slotStartMs: nn(r.slot_start_ms), deliveredAtMs: nn(r.delivered_at_ms),
  revenueFen: nn(r.revenue_fen), nextSweepAtMs: nn(r.next_sweep_at_ms),
  updatedAtMs: n(r.updated_at_ms) });

export const partValues = (p: BalancePart): unknown[] => [p.partId, p.orderId, p.reference,
  p.method, p.amountFen, p.status, p.requestedAtMs, p.settledAtMs, p.refundedFen,
  p.refundedAtMs, p.idempotencyKey];

export const partFromRow = (r: Row): BalancePart => ({ partId: r.part_id as string,
  orderId: r.order_id as string, reference: r.reference as string, method: r.method as Method,
  amountFen: n(r.amount_fen), status: r.status as BalancePart['status'],
  requestedAtMs: n(r.requested_at_ms), settledAtMs: nn(r.settled_at_ms),
  refundedFen: n(r.refunded_fen), refundedAtMs: nn(r.refunded_at_ms),
  idempotencyKey: r.idempotency_key as string });

/** The SQL (`?` placeholders) of the pending parts to ask about: at, first-after, limit. */
export const PARTS_TO_CHECK_SQL = "SELECT * FROM balance_parts WHERE status = 'pending' "
  + 'AND coalesce(next_check_at_ms, requested_at_ms + ?) <= ? '
  + 'ORDER BY requested_at_ms, part_id LIMIT ?';
/** The SQL (`?` placeholders) noting a question asked: checks, next, part id. */
export const PART_CHECKED_SQL = 'UPDATE balance_parts SET checks = ?, next_check_at_ms = ? '
  + "WHERE part_id = ? AND status = 'pending'";

export const partToCheckFromRow = (r: Row): PartToCheck => ({ ...partFromRow(r),
  checks: n(r.checks), nextCheckAtMs: nn(r.next_check_at_ms) });

export const moneyEventFromRow = (r: Row): MoneyEvent => ({ seq: n(r.seq),
  orderId: r.order_id as string, kind: r.kind as MoneyEvent['kind'], amountFen: n(r.amount_fen),
  reference: r.reference as string, atMs: n(r.at_ms) });

export const anomalyFromRow = (r: Row): DeliveryAnomaly => ({ atMs: n(r.at_ms),
  orderId: r.order_id as string, reference: r.reference as string, kind: r.kind as string,
  detail: r.detail as string });

/** The operator's filter as SQL conditions with `?` placeholders, and their values. */
export function filterSql(f: { stage?: Stage; overdueAtMs?: number; centre?: string }):
  { where: string; values: unknown[] } {
  const conds: string[] = [];
  const values: unknown[] = [];
  if (f.stage !== undefined) {
    conds.push('stage = ?');
    values.push(f.stage);
  }
  if (f.centre !== undefined) {
    conds.push('centre = ?');
    values.push(f.centre);
  }
  if (f.overdueAtMs !== undefined) {
    conds.push("stage = 'ready' AND due_at_ms <= ? "
      + 'AND received_fen - refunded_fen < price_fen - deposit_fen');
    values.push(f.overdueAtMs);
  }
  return { where: conds.length === 0 ? '' : `WHERE ${conds.join(' AND ')}`, values };
}
