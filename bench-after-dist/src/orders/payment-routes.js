import { reply } from '../kernel/http/route.js';
import { iso } from '../kernel/iso-time.js';
import { queryNumber } from '../kernel/http/schema.js';
import * as Orders from './order-schemas.js';
const anomalyView = (a) => ({ at: iso(a.atMs), kind: a.kind,
    reference: a.reference, event_id: a.eventId || null, detail: a.detail });
const refundView = (r) => ({ order_id: r.orderId, reference: r.reference,
    amount_fen: r.amountFen, asked_at: iso(r.createdAtMs),
    sent_at: r.sentAtMs === null ? null : iso(r.sentAtMs) });
export const paymentAdminRoutes = [
    { method: 'GET', path: '/admin/payments/anomalies', access: 'admin', schema: Orders.anomalies,
        handler: async (ctx) => {
            // Checked by its schema (digits only): `1.5` once reached SQLite's LIMIT.
            const q = ctx.query();
            if (!q.ok)
                return q;
            const limit = queryNumber(q.value.limit, Math.min(100, ctx.app.deps.limits.paymentAnomaliesListMax));
            const { reconciler } = ctx.app.settlement;
            const [anomalies, unsettled] = await Promise.all([reconciler.anomalies(limit),
                ctx.app.settlement.reconciler.unsettled()]);
            return reply(200, { anomalies: anomalies.map(anomalyView),
                unsettled_refunds: unsettled.count });
        } },
    { method: 'GET', path: '/admin/payments/unsettled', access: 'admin',
        schema: Orders.unsettled, handler: async (ctx) => {
            const { count, refunds } = await ctx.app.settlement.reconciler.unsettled();
            return reply(200, { count,
                older_than_seconds: ctx.app.deps.limits.refundUnsettledAlertMs / 1000,
                refunds: refunds.map(refundView) });
        } },
];
//# sourceMappingURL=payment-routes.js.map