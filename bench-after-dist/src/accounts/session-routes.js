import { reply } from '../kernel/http/route.js';
import { iso } from '../kernel/iso-time.js';
import * as Accounts from './account-schemas.js';
const buyerOf = (ctx) => ctx.caller;
export const sessionRoutes = [
    { method: 'GET', path: '/sessions', access: 'buyer',
        schema: Accounts.listSessions, handler: async (ctx) => {
            const me = buyerOf(ctx);
            const list = await ctx.app.accounts.sessions.list(me.account.accountId, me.tokenHash);
            return reply(200, { sessions: list.map((s) => ({ session_id: s.sessionId,
                    created_at: iso(s.createdAtMs), last_seen_at: iso(s.lastSeenAtMs),
                    ends_at: iso(s.endsAtMs), current: s.current })) });
        } },
    { method: 'DELETE', path: '/sessions', access: 'buyer', schema: Accounts.signOutEverywhere,
        handler: async (ctx) => {
            const r = await ctx.app.accounts.sessions.revoke(buyerOf(ctx).account.accountId, 'all', null);
            return r.ok ? reply(200, { revoked: r.value.revoked }) : r;
        } },
    { method: 'DELETE', path: '/sessions/:session_id', access: 'buyer',
        schema: Accounts.signOutSession, handler: async (ctx) => {
            const me = buyerOf(ctx);
            const id = ctx.params.session_id;
            const r = await ctx.app.accounts.sessions.revoke(me.account.accountId, id === 'current' ? { tokenHash: me.tokenHash } : { sessionId: id }, null);
            return r.ok ? reply(200, { revoked: r.value.revoked }) : r;
        } },
];
//# sourceMappingURL=session-routes.js.map