// Accounts' endpoints: registration, sign-in, the buyer's own account and sessions, and an
// operator's import of buyers and the audit log (docs/api.md). Operators: operator-routes.ts.
import { iso } from '../kernel/iso-time.js';
import { refuse } from '../kernel/outcomes.js';
import { field, type Json } from '../kernel/http/http-io.js';
import { queryInteger } from '../kernel/http/query-params.js';
import { firstRefusal, reply, type Ctx, type Reply, type Route } from '../kernel/http/route.js';
import { accountView } from './account-views.js';
import { idNumberSearchKey, validatePhone } from './identity.js';
import { operatorRoutes } from './operator-routes.js';
import { sessionRoutes } from './session-routes.js';
import type { Caller } from './sessions.js';

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;

const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** A phone's stored form as a rate-limit key, or null when it is no mobile number. */
const phoneKey = (raw: string): string | null => {
  const p = validatePhone(raw);
  return p.ok ? p.value : null;
};

export const accountRoutes: Route[] = [
  { method: 'POST', path: '/accounts', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    const name = field(b.value, 'name', 'string', { required: true, maxLength: 200 });
    const idNumber = field(b.value, 'id_number', 'string', { required: true, maxLength: 32 });
    const bad = firstRefusal(phone, name, idNumber);
    if (bad) return bad;
    const limited = await ctx.app.rateLimits.registration(phoneKey(phone.ok ? phone.value! : ''),
      idNumberSearchKey(idNumber.ok ? idNumber.value! : ''), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.register({ phone: phone.ok ? phone.value! : '',
      name: name.ok ? name.value! : '', idNumber: idNumber.ok ? idNumber.value! : '' });
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/sessions/code', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    if (!phone.ok) return phone;
    const limited = await ctx.app.rateLimits.codeRequest(phoneKey(phone.value!), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.requestCode(phone.value!);
    if (!r.ok) return r;
    // The same reply whether or not the phone is registered: only a registered one gets a text.
    return reply(202, { sent: true, expires_in_seconds: ctx.app.deps.limits.codeTtlSeconds,
      ...(r.value.code ? { dev_code: r.value.code } : {}) });
  } },
  ...sessionRoutes,
  { method: 'POST', path: '/sessions', access: 'public', ownTextRules: true,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = field(b.value, 'phone', 'string', { required: true, maxLength: 32 });
    const code = field(b.value, 'code', 'string', { required: true, maxLength: 16 });
    const bad = firstRefusal(phone, code);
    if (bad) return bad;
    // Wrong codes are counted per phone across the codes sent: asking again resets nothing.
    const key = phoneKey(phone.ok ? phone.value! : '');
    const limited = await ctx.app.rateLimits.signIn(key, ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.signIn(phone.ok ? phone.value! : '',
      code.ok ? code.value! : '');
    if (!r.ok && r.code === 'code_invalid' && key !== null) {
      await ctx.app.rateLimits.signInFailed(key);
    }
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'GET', path: '/me', access: 'signed_in', handler: async (ctx) =>
    (ctx.caller!.role === 'admin' ? reply(200, { role: 'admin', actor: ctx.caller!.actor })
      : reply(200, accountView(buyer(ctx), 'buyer'))) },
  { method: 'POST', path: '/admin/accounts/import', access: 'admin', bodyLimit: 'import',
    ownTextRules: true,
    handler: importAccounts },
  { method: 'GET', path: '/admin/audit-log', access: 'admin', handler: async (ctx) => {
    const max = ctx.app.deps.limits.auditLogMax;
    const limit = queryInteger(ctx.url, 'limit', { min: 1, max, fallback: Math.min(100, max) });
    if (!limit.ok) return limit;
    const entries = await ctx.app.deps.store.auditLog(limit.value);
    return reply(200, { entries: entries.map((e) => ({ at: iso(e.atMs), actor: e.actor,
      action: e.action, detail: e.detail })) });
  } },
  ...operatorRoutes,
];

/**
 * Registers many buyers at once, each row on its own: every row is validated before anything
 * is written, each row's outcome is reported by its index, and one refusal (or one failed
 * write) does not stop the rest. No row gets a session: buyers sign in themselves, so the
 * operator never holds a buyer's credentials.
 */
async function importAccounts(ctx: Ctx): Promise<Reply> {
  const b = await ctx.body();
  if (!b.ok) return b;
  const list = b.value.accounts;
  const max = ctx.app.deps.limits.importAccountsMax;
  if (!Array.isArray(list) || list.length > max) {
    return refuse('invalid_request', `"accounts" must be a list of at most ${max}.`);
  }
  const errors: Array<{ index: number; code: string; message: string }> = [];
  const valid = [];
  for (const [index, row] of list.entries()) {
    const v = importRow(ctx, row);
    if (v.ok) valid.push({ index, row: v.value });
    else errors.push({ index, code: v.code, message: v.message });
  }
  const settled = await Promise.all(valid.map(async ({ index, row }) => {
    try {
      return { index, r: await ctx.app.accounts.importAccount(row) };
    } catch {
      return { index, r: refuse('internal_error', 'This row was not written; import it again.') };
    }
  }));
  const created = [];
  for (const { index, r } of settled) {
    if (r.ok) created.push({ index, account_id: r.value.accountId, phone: r.value.phone });
    else errors.push({ index, code: r.code, message: r.message });
  }
  errors.sort((x, y) => x.index - y.index);
  await ctx.app.audit(actorOf(ctx), 'accounts_imported',
    { created: created.length, refused: errors.length });
  return reply(200, { created, errors });
}

/** One import row, checked as POST /accounts checks its body. */
function importRow(ctx: Ctx, row: unknown) {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return refuse('invalid_request', 'Each row must be an object of phone, name, id_number.');
  }
  const x = row as Json;
  const phone = field(x, 'phone', 'string', { required: true, maxLength: 32 });
  const name = field(x, 'name', 'string', { required: true, maxLength: 200 });
  const idNumber = field(x, 'id_number', 'string', { required: true, maxLength: 32 });
  const bad = firstRefusal(phone, name, idNumber);
  if (bad || !phone.ok || !name.ok || !idNumber.ok) return bad!;
  return ctx.app.accounts.validateRegistration({ phone: phone.value!, name: name.value!,
    idNumber: idNumber.value! });
}

