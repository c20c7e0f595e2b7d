// Scalpers' endpoints (docs/api.md, "Anti-scalping"): an operator's suspicious-pattern report
// of a launch or a drop, and the batch cancel of a cluster's flagged orders.
import { operatorReason, type Caller } from '../accounts/index.js';
import { launchNotFound } from '../launches/index.js';
import { iso } from '../kernel/iso-time.js';
import { refuse } from '../kernel/outcomes.js';
import { reply, type App, type Route } from '../kernel/http/route.js';
import * as Scalpers from './scalper-schemas.js';
import type { Report } from './scalpers-service.js';
import type { ClusterOrder } from './suspicion.js';

type Operator = Extract<Caller, { role: 'admin' }>;

/** The report as its reply schema (scalper-schemas.ts) has it. */
export function reportView(r: Report) {
  return {
    scope: r.scope, opens_at: iso(r.opensAtMs), as_of: iso(r.asOfMs), signals: r.signals,
    truncated: r.truncated,
    clusters: r.clusters.map((c) => ({
      cluster_id: c.clusterId, score: c.score,
      reasons: c.reasons.map((x) => ({ code: x.code, key: x.key, count: x.count,
        within_ms: x.withinMs })),
      accounts: c.accounts.map((a) => ({ account_id: a.accountId,
        registered_at: iso(a.registeredAtMs) })),
      orders: c.orders.map((o) => orderView(r, o)),
      linked_accounts: c.linked.map((a) => ({ account_id: a.accountId,
        registered_at: iso(a.registeredAtMs), shares: a.shares.map((x) => ({ ...x })) })),
      linked_orders: c.linkedOrders.map((o) => orderView(r, o)),
    })),
  };
}

/** One order or hold of a cluster, with where it stands now. */
function orderView(r: Report, o: ClusterOrder) {
  const s = r.states.get(o.subjectId);
  return { order_id: o.subjectId, account_id: o.accountId, at: iso(o.atMs),
    units: o.units, status: s?.status ?? null, deposit_state: s?.depositState ?? null,
    deposit_fen: s?.depositFen ?? null, cancellable: s?.cancellable ?? false,
    not_cancellable: s?.refusal
      ? { code: s.refusal.code, message: s.refusal.message } : null };
}

/**
 * The batch cancel of a drop's flagged holds (drops' revoke): the reply counts the holds
 * cancelled (released or refunded) and refused, with each one's outcome, the refund queued and
 * why one was left alone. The refunds go to the provider now; the outbox's timer and the
 * reconciler hand them over until confirmed if that fails.
 */
async function cancelDropHolds(app: App, operator: Operator, dropId: string,
  holdIds: readonly string[], reason: string, clusterId: string | null) {
  const r = await app.drops.revoke(operator.actor, dropId, holdIds, reason, clusterId);
  if (!r.ok) return r;
  const done = r.value.filter((x) => x.outcome === 'cancelled' || x.outcome === 'refunded');
  const refundedFen = done.reduce((n, x) => n + x.refundFen, 0);
  if (refundedFen > 0) void app.payments.sendPayments().catch(() => 0);
  return reply(200, { cancelled: done.length, refused: r.value.length - done.length,
    refunded_fen: refundedFen, results: r.value.map((x) => ({ order_id: x.holdId,
      outcome: x.outcome, deposit_state: x.outcome === 'refunded' ? 'refunded' : null,
      refund_fen: x.refundFen, why: x.why })) });
}

export const scalperRoutes: Route[] = [
  { method: 'GET', path: '/admin/suspicious', access: 'admin', schema: Scalpers.report,
    handler: async (ctx) => {
    const q = ctx.query();
    if (!q.ok) return q;
    const { launch_id: launchId, drop_id: dropId } = q.value;
    if ((launchId === undefined) === (dropId === undefined)) {
      return refuse('invalid_request', 'Name one launch_id or one drop_id.');
    }
    const r = await ctx.app.scalpers.report(launchId !== undefined
      ? { kind: 'launch', id: launchId } : { kind: 'drop', id: dropId! });
    return r.ok ? reply(200, reportView(r.value)) : r;
  } },
  { method: 'POST', path: '/admin/suspicious/cancel', access: 'admin',
    schema: Scalpers.cancelFlagged, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const { launch_id: launchId, drop_id: dropId } = b.value as { launch_id?: string;
      drop_id?: string };
    if ((launchId === undefined) === (dropId === undefined)) {
      return refuse('invalid_request', 'Name one launch_id or one drop_id.');
    }
    const operator = ctx.caller as Operator;
    const reason = operatorReason(b.value);
    const clusterId = (b.value.cluster_id ?? null) as string | null;
    if (dropId !== undefined) {
      return cancelDropHolds(ctx.app, operator, dropId, b.value.order_ids as string[], reason,
        clusterId);
    }
    if (!(await ctx.app.launches.launch(launchId!))) return launchNotFound('launch_id', launchId!);
    const r = await ctx.app.scalpers.cancelFlagged(operator, launchId!,
      b.value.order_ids as string[], reason, (orderId, depositState) => ctx.app.audit(
        operator.actor, 'order_cancelled', { order_id: orderId, deposit_state: depositState,
          reason, flagged: true, cluster_id: clusterId }));
    if (!r.ok) return r;
    const cancelled = r.value.filter((x) => x.outcome === 'cancelled').length;
    return reply(200, { cancelled, refused: r.value.length - cancelled,
      results: r.value.map((x) => ({ order_id: x.orderId, outcome: x.outcome,
        deposit_state: x.depositState })) });
  } },
];
