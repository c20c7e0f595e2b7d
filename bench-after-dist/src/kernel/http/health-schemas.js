// The contract of the routes for machines and screens: health (health-routes.ts), metrics
// (metrics.ts), the server's clock and the OpenAPI document itself (http-app.ts).
import { Type } from '@sinclair/typebox';
const Str = Type.String();
const Time = Type.String({ format: 'date-time' });
const summaryStatus = Type.Union([Type.Literal('ok'), Type.Literal('degraded'),
    Type.Literal('broken')]);
export const health = () => ({
    summary: 'ok, degraded or broken (503 unless ok); an operator also sees the process\'s figures',
    replies: { 200: Type.Object({ status: summaryStatus, store: Str }),
        503: Type.Object({ status: summaryStatus, store: Str }) }
});
export const live = () => ({
    summary: 'Is this process worth keeping (503 only when broken beyond repair)',
    replies: { 200: Type.Object({ status: Type.Literal('live') }),
        503: Type.Object({ status: Type.Literal('broken') }) }
});
export const ready = () => ({
    summary: 'Should it get traffic now (503 with Retry-After while not)',
    replies: { 200: Type.Object({ status: Type.Literal('ready'), store: Str }),
        503: Type.Object({ status: Type.Union([Type.Literal('not_ready'),
                Type.Literal('closing')]), store: Type.Optional(Str) }) }
});
export const metrics = () => ({
    summary: 'Prometheus metrics (an operator\'s token or the metrics token)',
    replyMediaType: 'text/plain',
    replies: { 200: Type.String({ description: 'Prometheus text exposition format' }) },
    errors: ['unauthorized', 'admin_only']
});
export const openapi = () => ({
    summary: 'This document: the API as OpenAPI 3.1',
    replies: { 200: Type.Object({ openapi: Type.Literal('3.1.0') }) }
});
export const time = () => ({ summary: 'The server\'s clock',
    replies: { 200: Type.Object({ server_time: Time }) } });
//# sourceMappingURL=health-schemas.js.map