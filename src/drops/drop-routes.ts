// Drops' endpoints (docs/api.md, "Drops"): the public figures, an operator's definition before
// the opening, and a buyer's purchase, payment of an offer, cancel, waitlist and own view.
import type { Caller } from '../accounts/index.js';
import { iso } from '../kernel/iso-time.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import { field, type Json } from '../kernel/http/http-io.js';
import {
  afterWrite, firstRefusal, parseTime, reply, type Ctx, type Route,
} from '../kernel/http/route.js';
import type { Drop, DropKind, DropVariant, Hold, VariantFigures, WaitlistEntry } from './drop.js';
import type { DropFigures } from './drops-service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;
const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

/** A buyer's write against the per-account and per-address limits. */
const buyerWriteLimit = (ctx: Ctx): Refusal | null => (ctx.caller?.role === 'buyer'
  ? ctx.app.rateLimits.buyerWrite(ctx.caller.account.accountId, ctx.address) : null);

/** Ids in the path that no drop or hold can have are refused before any read. */
function pathIds(ctx: Ctx): Refusal | null {
  if (!ID_PARAM.test(ctx.params.drop_id ?? '')) return refuse('drop_not_found');
  if (ctx.params.hold_id !== undefined && !ID_PARAM.test(ctx.params.hold_id)) {
    return refuse('hold_not_found');
  }
  return null;
}

const variantView = (v: DropVariant, f: VariantFigures | undefined) => ({
  variant: v.variant, name: v.name, name_zh: v.nameZh, quantity: v.quantity,
  remaining: f?.remaining ?? 0, held: f?.held ?? 0, sold: f?.sold ?? 0,
  sold_out: f?.soldOut ?? true, sold_out_for_good: f?.soldOutForGood ?? false,
  waitlist_waiting: f?.waiting ?? 0,
});

/** A drop's definition, and its live figures when read. */
export function dropView(d: Drop, nowMs: number, figures?: DropFigures) {
  const byVariant = new Map(figures?.variants.map((f) => [f.variant, f]));
  return { drop_id: d.dropId, name: d.name, name_zh: d.nameZh, kind: d.kind,
    price_fen: d.priceFen, deposit_fen: d.depositFen, opens_at: iso(d.opensAtMs),
    open: nowMs >= d.opensAtMs, per_account_limit: d.perAccountLimit,
    per_identity_limit: d.perIdentityLimit,
    // A car's deposit locks on payment: it is never refunded.
    deposit_refundable: false,
    variants: d.variants.map((v) => (figures ? variantView(v, byVariant.get(v.variant))
      : { variant: v.variant, name: v.name, name_zh: v.nameZh, quantity: v.quantity })),
    ...(figures ? { as_of: iso(figures.asOfMs) } : {}) };
}

export const holdView = (h: Hold) => ({
  hold_id: h.holdId, drop_id: h.dropId, variant: h.variant, quantity: h.quantity,
  amount_fen: h.amountFen, status: h.status, source: h.source,
  created_at: iso(h.createdAtMs), expires_at: iso(h.expiresAtMs),
  settled_at: h.settledAtMs === null ? null : iso(h.settledAtMs),
});

const entryView = (e: WaitlistEntry, ahead: number) => ({
  entry_id: e.entryId, drop_id: e.dropId, variant: e.variant, status: e.status,
  joined_at: iso(e.joinedAtMs), ahead: e.status === 'waiting' ? ahead : 0,
  offer_hold_id: e.status === 'offered' ? e.holdId : null,
});

/** The definition an operator sends (PUT /admin/drops/:drop_id), checked field by field. */
function dropInput(dropId: string, b: Json): Result<Omit<Drop, 'createdAtMs'>> {
  const name = field(b, 'name', 'string', { required: true, maxLength: 120 });
  const nameZh = field(b, 'name_zh', 'string', { required: true, maxLength: 120 });
  const kind = field(b, 'kind', 'string', { required: true });
  const priceFen = field(b, 'price_fen', 'integer', { required: true });
  const depositFen = field(b, 'deposit_fen', 'integer');
  const opensAtText = field(b, 'opens_at', 'string', { required: true, maxLength: 64 });
  const perAccount = field(b, 'per_account_limit', 'integer', { required: true });
  const perIdentity = field(b, 'per_identity_limit', 'integer', { required: true });
  const bad = firstRefusal(name, nameZh, kind, priceFen, depositFen, opensAtText, perAccount,
    perIdentity);
  if (bad) return bad;
  const opensAt = parseTime('opens_at', opensAtText.ok ? opensAtText.value : undefined);
  if (!opensAt.ok) return opensAt;
  const raw = b.variants;
  if (!Array.isArray(raw) || raw.length > 64) {
    return refuse('invalid_request', '"variants" must be a list of at most 64 objects.');
  }
  const variants: DropVariant[] = [];
  for (const v of raw) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return refuse('invalid_request', 'Each of "variants" must be an object.');
    }
    const o = v as Json;
    const id = field(o, 'variant', 'string', { required: true, maxLength: 48 });
    const vName = field(o, 'name', 'string', { required: true, maxLength: 120 });
    const vNameZh = field(o, 'name_zh', 'string', { required: true, maxLength: 120 });
    const quantity = field(o, 'quantity', 'integer', { required: true });
    const vBad = firstRefusal(id, vName, vNameZh, quantity);
    if (vBad) return vBad;
    variants.push({ variant: id.ok ? id.value! : '', name: vName.ok ? vName.value! : '',
      nameZh: vNameZh.ok ? vNameZh.value! : '', quantity: quantity.ok ? quantity.value! : 0 });
  }
  const v = <T>(r: Result<T | undefined>): T => (r.ok ? r.value : undefined) as T;
  return ok({ dropId, name: v(name), nameZh: v(nameZh), kind: v(kind) as DropKind,
    priceFen: v(priceFen), depositFen: v(depositFen) ?? 0, opensAtMs: opensAt.value!,
    perAccountLimit: v(perAccount), perIdentityLimit: v(perIdentity), variants });
}

export const dropRoutes: Route[] = [
  { method: 'GET', path: '/drops', access: 'public', handler: async ({ app }) => {
    const now = app.clock.nowMs();
    return reply(200, { drops: (await app.drops.list()).map((d) => dropView(d, now)),
      server_time: iso(now) });
  } },
  { method: 'GET', path: '/drops/:drop_id', access: 'public', handler: async (ctx) => {
    const bad = pathIds(ctx);
    if (bad) return bad;
    const f = await ctx.app.drops.figures(ctx.params.drop_id!);
    return f.ok ? reply(200, dropView(f.value.drop, ctx.app.clock.nowMs(), f.value)) : f;
  } },
  { method: 'PUT', path: '/admin/drops/:drop_id', access: 'admin', handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const input = dropInput(ctx.params.drop_id!, b.value);
    if (!input.ok) return input;
    const r = await ctx.app.drops.put(actorOf(ctx), input.value);
    if (!r.ok) return r;
    return reply(r.value.created ? 201 : 200, dropView(r.value.drop, ctx.app.clock.nowMs()));
  } },
  { method: 'POST', path: '/drops/:drop_id/purchases', access: 'buyer', handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
    if (limited) return limited;
    const key = ctx.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return refuse('idempotency_key_missing');
    }
    const b = await ctx.body();
    if (!b.ok) return b;
    const variant = field(b.value, 'variant', 'string', { required: true, maxLength: 48 });
    const quantity = field(b.value, 'quantity', 'integer');
    const bad = firstRefusal(variant, quantity);
    if (bad) return bad;
    const r = await ctx.app.drops.purchase(buyer(ctx), ctx.params.drop_id!, {
      variant: variant.ok ? variant.value! : '', quantity: (quantity.ok ? quantity.value : 1) ?? 1,
    }, key);
    if (!r.ok) return r;
    return reply(r.value.replay ? 200 : 201, { hold: holdView(r.value.hold) },
      r.value.replay ? { 'idempotent-replay': 'true' } : undefined);
  } },
  { method: 'POST', path: '/drops/:drop_id/holds/:hold_id/pay', access: 'buyer',
    handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
      if (limited) return limited;
      const r = await ctx.app.drops.pay(buyer(ctx), ctx.params.drop_id!, ctx.params.hold_id!);
      return r.ok ? afterWrite(async () => reply(200, { hold: holdView(r.value) })) : r;
    } },
  { method: 'POST', path: '/drops/:drop_id/holds/:hold_id/cancel', access: 'buyer',
    handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
      if (limited) return limited;
      const r = await ctx.app.drops.cancel(buyer(ctx), ctx.params.drop_id!, ctx.params.hold_id!);
      return r.ok ? reply(200, { hold: holdView(r.value) }) : r;
    } },
  { method: 'POST', path: '/drops/:drop_id/waitlist', access: 'buyer', handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    const variant = field(b.value, 'variant', 'string', { required: true, maxLength: 48 });
    if (!variant.ok) return variant;
    const r = await ctx.app.drops.join(buyer(ctx), ctx.params.drop_id!, variant.value!);
    if (!r.ok) return r;
    return reply(r.value.replay ? 200 : 201, { entry: entryView(r.value.entry, r.value.ahead) });
  } },
  { method: 'GET', path: '/drops/:drop_id/mine', access: 'buyer', handler: async (ctx) => {
    const bad = pathIds(ctx);
    if (bad) return bad;
    if (!(await ctx.app.drops.drop(ctx.params.drop_id!))) return refuse('drop_not_found');
    const m = await ctx.app.drops.mine(buyer(ctx), ctx.params.drop_id!);
    return reply(200, { holds: m.holds.map(holdView),
      waitlist: m.entries.map((x) => entryView(x.entry, x.ahead)) });
  } },
];
