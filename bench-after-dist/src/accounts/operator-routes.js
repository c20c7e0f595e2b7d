// Operators' own endpoints (docs/api.md, "Operators"): named operators and their tokens, a
// buyer's sessions revoked, and the sandbox's text messages. Every change is in the audit log
// under the operator's name.
import { ok, refuse } from '../kernel/outcomes.js';
import { reply } from '../kernel/http/route.js';
import { SandboxSmsSender } from './sms.js';
import { iso } from '../kernel/iso-time.js';
import * as Accounts from './account-schemas.js';
const operatorOf = (ctx) => ctx.caller;
/** Operators are managed only by an operator whose token the store still holds (sessions.ts). */
async function managing(ctx) {
    return (await ctx.app.accounts.sessions.stillOperator(operatorOf(ctx))) ? ok(null)
        : refuse('unauthorized');
}
/**
 * The reason an operator gives for acting on a buyer's order or sessions, without the white
 * space around it, from a body its schema passed (kernel/http/schema.ts's `reason`: 1 to
 * `operatorReasonMax` characters, not all white space, or `reason_required`).
 */
export const operatorReason = (body) => body.reason.trim();
export const operatorRoutes = [
    { method: 'GET', path: '/admin/operators', access: 'admin', schema: Accounts.operators,
        handler: async (ctx) => reply(200, { operators: (await ctx.app.accounts.sessions.operators()).map((o) => ({
                name: o.name,
                created_at: iso(o.createdAtMs), created_by: o.createdBy,
                you: o.name === operatorOf(ctx).operator
            })) }) },
    { method: 'POST', path: '/admin/operators', access: 'admin', schema: Accounts.createOperator,
        handler: async (ctx) => {
            const b = await ctx.body();
            if (!b.ok)
                return b;
            const name = b.value.name;
            const allowed = await managing(ctx);
            if (!allowed.ok)
                return allowed;
            const r = await ctx.app.accounts.sessions.createOperator(name, operatorOf(ctx).actor);
            return r.ok ? reply(201, { name, token: r.value.token }) : r;
        } },
    { method: 'POST', path: '/admin/operators/:name/rotate', access: 'admin',
        schema: Accounts.rotateOperator, handler: async (ctx) => {
            const allowed = await managing(ctx);
            if (!allowed.ok)
                return allowed;
            const r = await ctx.app.accounts.sessions.rotateOperator(ctx.params.name, operatorOf(ctx).actor);
            return r.ok ? reply(200, { name: ctx.params.name, token: r.value.token }) : r;
        } },
    { method: 'DELETE', path: '/admin/operators/:name', access: 'admin',
        schema: Accounts.removeOperator, handler: async (ctx) => {
            const allowed = await managing(ctx);
            if (!allowed.ok)
                return allowed;
            const r = await ctx.app.accounts.sessions.removeOperator(ctx.params.name, operatorOf(ctx));
            return r.ok ? reply(200, { removed: ctx.params.name }) : r;
        } },
    { method: 'POST', path: '/admin/accounts/:account_id/sessions/revoke', access: 'admin',
        schema: Accounts.revokeSessions, handler: async (ctx) => {
            const b = await ctx.body();
            if (!b.ok)
                return b;
            const reason = operatorReason(b.value);
            const accountId = ctx.params.account_id;
            if (!(await ctx.app.deps.store.accountById(accountId))) {
                return refuse('account_not_found', 'No account has this id.');
            }
            const r = await ctx.app.accounts.sessions.revoke(accountId, 'all', { actor: operatorOf(ctx).actor, reason });
            return r.ok ? reply(200, { account_id: accountId, revoked: r.value.revoked }) : r;
        } },
    { method: 'GET', path: '/admin/sandbox/sms', access: 'admin', schema: Accounts.sandboxSms,
        handler: async (ctx) => {
            const sms = ctx.app.deps.sms;
            // Per process: with several processes, each shows the texts it "sent".
            return reply(200, { provider: sms.provider, messages: sms instanceof SandboxSmsSender
                    ? sms.messages().map((m) => ({ phone: m.phone, text: m.text, at: iso(m.atMs) })) : [] });
        } },
];
//# sourceMappingURL=operator-routes.js.map