// Accounts' endpoints: registration, sign-in, the buyer's own account and sessions, and an
// operator's import of buyers and the audit log (docs/api.md). Operators: operator-routes.ts.
import { iso } from '../kernel/iso-time.js';
import { refuse } from '../kernel/outcomes.js';
import type { Static } from '@sinclair/typebox';
import type { Json } from '../kernel/http/http-io.js';
import { clientFacts } from '../kernel/http/client-signals.js';
import { reply, type Ctx, type Reply, type Route } from '../kernel/http/route.js';
import { closedFields, compileFields, queryNumber } from '../kernel/http/schema.js';
import * as Accounts from './account-schemas.js';
import { accountView } from './account-views.js';
import { idNumberSearchKey, validatePhone } from './identity.js';
import { SandboxSmsSender } from './sms.js';
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
    schema: Accounts.register, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const { phone, name, id_number: idNumber } =
      b.value as Static<typeof Accounts.RegistrationFields>;
    const limited = await ctx.app.rateLimits.registration(phoneKey(phone),
      idNumberSearchKey(idNumber), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.register({ phone, name, idNumber });
    if (!r.ok) return r;
    const account = r.value.account;
    ctx.app.observe({ kind: 'registration', accountId: account.accountId,
      accountCreatedAtMs: account.createdAtMs, subjectId: null, scope: null, units: 1,
      city: null, deliveryAddress: null, atMs: account.createdAtMs, facts: clientFacts(ctx) });
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'POST', path: '/sessions/code', access: 'public', ownTextRules: true,
    schema: Accounts.requestCode, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = b.value.phone as string;
    const limited = await ctx.app.rateLimits.codeRequest(phoneKey(phone), ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.requestCode(phone);
    if (!r.ok) return r;
    // The same reply whether or not the phone is registered: only a registered one gets a text.
    // `texted` is the server's, not the phone's: the sign-in page tells a sandbox's user that
    // no text will come and who can read the code, instead of "a code was sent".
    return reply(202, { sent: true, expires_in_seconds: ctx.app.deps.limits.codeTtlSeconds,
      texted: !(ctx.app.deps.sms instanceof SandboxSmsSender),
      ...(r.value.code ? { dev_code: r.value.code } : {}) });
  } },
  ...sessionRoutes,
  { method: 'POST', path: '/sessions', access: 'public', ownTextRules: true,
    schema: Accounts.signIn, handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const phone = b.value.phone as string;
    // Wrong codes are counted per phone across the codes sent: asking again resets nothing.
    const key = phoneKey(phone);
    const limited = await ctx.app.rateLimits.signIn(key, ctx.address);
    if (limited) return limited;
    const r = await ctx.app.accounts.signIn(phone, b.value.code as string);
    if (!r.ok && r.code === 'code_invalid' && key !== null) {
      // The buyer is told how many tries remain (error.tries_left), so the last one is not a
      // surprise lock-out.
      const triesLeft = await ctx.app.rateLimits.signInFailed(key);
      if (triesLeft !== null) return { ...r, details: { tries_left: triesLeft } };
    }
    if (!r.ok) return r;
    return reply(201, { ...accountView(r.value.account, 'buyer'), token: r.value.token });
  } },
  { method: 'GET', path: '/me', access: 'signed_in', schema: Accounts.me, handler: async (ctx) =>
    (ctx.caller!.role === 'admin' ? reply(200, { role: 'admin', actor: ctx.caller!.actor })
      : reply(200, accountView(buyer(ctx), 'buyer'))) },
  { method: 'POST', path: '/admin/accounts/import', access: 'admin', bodyLimit: 'import',
    ownTextRules: true, schema: Accounts.importAccounts,
    handler: importAccounts },
  { method: 'GET', path: '/admin/audit-log', access: 'admin', schema: Accounts.auditLog,
    handler: async (ctx) => {
    const q = ctx.query();
    if (!q.ok) return q;
    const entries = await ctx.app.deps.store.auditLog(queryNumber(q.value.limit,
      Math.min(100, ctx.app.deps.limits.auditLogMax)));
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
  const list = b.value.accounts as unknown[];
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

// Compiled once, at start (account-schemas.ts's ImportRow: POST /accounts's fields), closed
// as that body is: a row's misspelt field is refused by its index, not ignored.
const checkImportRow = compileFields(closedFields(Accounts.ImportRow));

/** One import row, checked as POST /accounts checks its body. */
function importRow(ctx: Ctx, row: unknown) {
  const bad = checkImportRow(row);
  if (bad) return bad;
  const x = row as Json;
  return ctx.app.accounts.validateRegistration({ phone: x.phone as string,
    name: x.name as string, idNumber: x.id_number as string });
}

