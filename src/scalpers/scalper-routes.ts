// Scalpers' endpoints (docs/api.md, "Anti-scalping"): an operator's suspicious-pattern report
// of a launch or a drop, and the batch cancel of a cluster's flagged orders.
import { operatorReason, type Caller } from '../accounts/index.js';
import { launchNotFound } from '../launches/index.js';
import { iso } from '../kernel/iso-time.js';
import { refuse } from '../kernel/outcomes.js';
import { reply, type Route } from '../kernel/http/route.js';
import * as Scalpers from './scalper-schemas.js';
import type { Report } from './scalpers-service.js';

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
      orders: c.orders.map((o) => {
        const s = r.states.get(o.subjectId);
        return { order_id: o.subjectId, account_id: o.accountId, at: iso(o.atMs),
          units: o.units, status: s?.status ?? null, deposit_state: s?.depositState ?? null,
          deposit_fen: s?.depositFen ?? null, cancellable: s?.cancellable ?? false };
      }),
    })),
  };
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
    const launchId = b.value.launch_id as string;
    if (!(await ctx.app.launches.launch(launchId))) return launchNotFound('launch_id', launchId);
    const operator = ctx.caller as Operator;
    const reason = operatorReason(b.value);
    const clusterId = (b.value.cluster_id ?? null) as string | null;
    const r = await ctx.app.scalpers.cancelFlagged(operator, launchId,
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
