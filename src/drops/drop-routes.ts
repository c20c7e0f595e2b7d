// Drops' endpoints (docs/api.md, "Drops"): the public figures, an operator's definition before
// the opening, and a buyer's purchase, payment of an offer, cancel, waitlist and own view.
import type { Caller } from '../accounts/index.js';
import { iso, parseIsoTime } from '../kernel/iso-time.js';
import { passOf, settledWrite } from '../kernel/admission-gate.js';
import { roomNoticeView, type NoticedRoom } from '../kernel/room-notice.js';
import { ok, refuse, type Refusal, type Result } from '../kernel/outcomes.js';
import type { Json } from '../kernel/http/http-io.js';
import { clientFacts } from '../kernel/http/client-signals.js';
import { afterWrite, faultTold, reply, type Ctx, type Route } from '../kernel/http/route.js';
import { buyerWriteLimit } from '../kernel/http/buyer-write-limit.js';
import { idempotencyKey, notAField, queryNumber, shortName } from '../kernel/http/schema.js';
import * as Drops from './drop-schemas.js';
import type { Drop, DropKind, DropVariant, Hold, VariantFigures, WaitlistEntry } from './drop.js';
import type { HoldRevoke } from './drops-store.js';
import type { DropFigures } from './drops-service.js';

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

const buyer = (ctx: Ctx) => (ctx.caller as Extract<Caller, { role: 'buyer' }>).account;
const actorOf = (ctx: Ctx): string => (ctx.caller?.role === 'admin' ? ctx.caller.actor : '?');

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

/**
 * A drop's definition, the waiting room in front of it (null: none is on), and its live figures
 * when read.
 */
export function dropView(d: Drop, nowMs: number, room: NoticedRoom | null,
  figures?: DropFigures) {
  const byVariant = new Map(figures?.variants.map((f) => [f.variant, f]));
  return { drop_id: d.dropId, name: d.name, name_zh: d.nameZh, kind: d.kind,
    price_fen: d.priceFen, deposit_fen: d.depositFen, opens_at: iso(d.opensAtMs),
    open: nowMs >= d.opensAtMs, per_account_limit: d.perAccountLimit,
    per_identity_limit: d.perIdentityLimit, waiting_room: roomNoticeView(room),
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

/** A hold with its operator cancel, if any (the buyer's own views: /mine, /drop-purchases). */
const ownHoldView = (h: Hold, r: HoldRevoke | null | undefined) => ({ ...holdView(h),
  operator_cancel: r ? { reason: r.reason, refund_fen: r.refundFen, at: iso(r.atMs) } : null });

const entryView = (e: WaitlistEntry, ahead: number) => ({
  entry_id: e.entryId, drop_id: e.dropId, variant: e.variant, status: e.status,
  joined_at: iso(e.joinedAtMs), ahead: e.status === 'waiting' ? ahead : 0,
  offer_hold_id: e.status === 'offered' ? e.holdId : null,
});

/** A waitlist place still in the line or offered a unit: a join of its variant repeats it. */
const OPEN_ENTRY = new Set<WaitlistEntry['status']>(['waiting', 'offered']);
/**
 * The sale's refusals of an account that got to it (its pass, if a room is in front, taken):
 * each is a signal of an attempt for the suspicious-pattern report. A malformed request or a
 * drop that does not exist is no attempt at this drop.
 */
const SALE_REFUSALS: ReadonlySet<string> = new Set(['drop_not_open', 'drop_sold_out',
  'drop_limit_reached', 'payment_declined']);

/** A body's field as its schema let it through: null (not given) reads as undefined. */
const given = <T>(b: Json, name: string): T | undefined => (b[name] ?? undefined) as T | undefined;

/**
 * One of a definition's variants, checked by hand (the schema checks only the list): each
 * field present and of its type, in the field's order, with the messages the schemas give.
 */
const VARIANT_FIELDS = new Set(['variant', 'name', 'name_zh', 'quantity']);

function variantInput(v: unknown, index: number): Result<DropVariant> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return refuse('invalid_request', 'Each of "variants" must be an object.');
  }
  const o = v as Json;
  for (const [name, maxLength] of [['variant', 48], ['name', 120], ['name_zh', 120]] as const) {
    const x = o[name];
    if (x === undefined || x === null) return refuse('invalid_request', `"${name}" is required.`);
    if (typeof x !== 'string') return refuse('invalid_request', `"${name}" must be a string.`);
    if (x.length > maxLength) {
      return refuse('invalid_request', `"${name}" must be at most ${maxLength} characters.`);
    }
  }
  if (o.quantity === undefined || o.quantity === null) {
    return refuse('invalid_request', '"quantity" is required.');
  }
  if (!Number.isSafeInteger(o.quantity)) {
    return refuse('invalid_request', '"quantity" must be a whole number.');
  }
  // Closed, as every body is (schema.ts closedFields): checked here, since this list is.
  const other = Object.keys(o).find((k) => !VARIANT_FIELDS.has(k));
  if (other !== undefined) return refuse('invalid_request', notAField(
    `variants[${index}].${shortName(other)}`));
  return ok({ variant: o.variant as string, name: o.name as string, nameZh: o.name_zh as string,
    quantity: o.quantity as number });
}

/** The definition an operator sends (PUT /admin/drops/:drop_id), its schema passed. */
function dropInput(dropId: string, b: Json): Result<Omit<Drop, 'createdAtMs'>> {
  const variants: DropVariant[] = [];
  for (const [i, v] of (b.variants as unknown[]).entries()) {
    const r = variantInput(v, i);
    if (!r.ok) return r;
    variants.push(r.value);
  }
  return ok({ dropId, name: b.name as string, nameZh: b.name_zh as string,
    kind: b.kind as DropKind, priceFen: b.price_fen as number,
    depositFen: given<number>(b, 'deposit_fen') ?? 0,
    opensAtMs: parseIsoTime(b.opens_at as string)!,
    perAccountLimit: b.per_account_limit as number,
    perIdentityLimit: b.per_identity_limit as number, variants });
}

export const dropRoutes: Route[] = [
  { method: 'GET', path: '/drops', access: 'public', schema: Drops.drops,
    handler: async ({ app }) => {
    const now = app.clock.nowMs();
    const views = [];
    for (const d of await app.drops.list()) {
      views.push(dropView(d, now, await app.roomNotices.notice('drop', d.dropId)));
    }
    return reply(200, { drops: views, server_time: iso(now) });
  } },
  { method: 'GET', path: '/drops/:drop_id', access: 'public', schema: Drops.drop,
    handler: async (ctx) => {
    const bad = pathIds(ctx);
    if (bad) return bad;
    const f = await ctx.app.drops.figures(ctx.params.drop_id!);
    if (!f.ok) return f;
    const room = await ctx.app.roomNotices.notice('drop', f.value.drop.dropId);
    return reply(200, dropView(f.value.drop, ctx.app.clock.nowMs(), room, f.value));
  } },
  { method: 'PUT', path: '/admin/drops/:drop_id', access: 'admin', schema: Drops.putDrop,
    handler: async (ctx) => {
    const b = await ctx.body();
    if (!b.ok) return b;
    const input = dropInput(ctx.params.drop_id!, b.value);
    if (!input.ok) return input;
    const r = await ctx.app.drops.put(actorOf(ctx), input.value);
    if (!r.ok) return r;
    return reply(r.value.created ? 201 : 200, dropView(r.value.drop, ctx.app.clock.nowMs(),
      await ctx.app.roomNotices.notice('drop', r.value.drop.dropId)));
  } },
  { method: 'POST', path: '/drops/:drop_id/purchases', access: 'buyer', schema: Drops.purchase,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
    if (limited) return limited;
    const keyed = idempotencyKey(ctx.headers);
    if (!keyed.ok) return keyed;
    const key = keyed.value;
    const b = await ctx.body();
    if (!b.ok) return b;
    // While a waiting room is on in front of the drop, the purchase spends its pass.
    const dropId = ctx.params.drop_id!;
    const passText = passOf(ctx.headers);
    const gate = ctx.app.drops.admission;
    const closed = await gate.claim(dropId, passText, buyer(ctx).accountId, key);
    // A retry of a purchase that took its hold is answered as one, pass or not (its pass went
    // with it; the retry of a lost reply carries none): only a key never used is refused.
    if (closed && !(await ctx.app.drops.keyUsed(buyer(ctx).accountId, key))) return closed;
    // Refused: nothing was held under the key, so the pass comes back (orders' rule). A throw
    // (its paying settle's, say) is an unknown outcome: the pass stays with the key, and the
    // shell answers it.
    const r = await settledWrite(gate, { targetId: dropId, pass: passText,
      accountId: buyer(ctx).accountId, key }, () => ctx.app.drops.purchase(buyer(ctx), dropId, {
      variant: b.value.variant as string, quantity: given<number>(b.value, 'quantity') ?? 1,
      deliveryAddress: given<string>(b.value, 'delivery_address') ?? null,
    }, key, clientFacts(ctx).paymentSource), faultTold(ctx));
    if (!r.ok) {
      // The sale refused an account that got to it: the report counts it as one that tried.
      if (SALE_REFUSALS.has(r.code)) {
        ctx.app.observe({ kind: 'purchase_refused', accountId: buyer(ctx).accountId,
          accountCreatedAtMs: buyer(ctx).createdAtMs, subjectId: null, scope: `drop:${dropId}`,
          units: given<number>(b.value, 'quantity') ?? 1, city: null,
          deliveryAddress: given<string>(b.value, 'delivery_address') ?? null,
          atMs: ctx.app.clock.nowMs(), facts: clientFacts(ctx) });
      }
      return r;
    }
    if (!r.value.replay) {
      const h = r.value.hold;
      ctx.app.observe({ kind: 'drop_purchase', accountId: h.accountId,
        accountCreatedAtMs: buyer(ctx).createdAtMs, subjectId: h.holdId,
        scope: `drop:${h.dropId}`, units: h.quantity, city: null,
        deliveryAddress: given<string>(b.value, 'delivery_address') ?? null,
        atMs: h.createdAtMs, facts: clientFacts(ctx) });
    }
    return reply(r.value.replay ? 200 : 201, { hold: holdView(r.value.hold) },
      r.value.replay ? { 'idempotent-replay': 'true' } : undefined);
  } },
  { method: 'POST', path: '/drops/:drop_id/holds/:hold_id/pay', access: 'buyer',
    schema: Drops.payHold, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
      if (limited) return limited;
      // A throw after the charge (its settle's) is answered by the shell: the charge was
      // voided unless the sale was made, and paying the hold again answers which.
      const r = await ctx.app.drops.pay(buyer(ctx), ctx.params.drop_id!, ctx.params.hold_id!,
        clientFacts(ctx).paymentSource);
      return r.ok ? afterWrite(async () => reply(200, { hold: holdView(r.value) })) : r;
    } },
  { method: 'POST', path: '/drops/:drop_id/holds/:hold_id/cancel', access: 'buyer',
    schema: Drops.cancelHold, handler: async (ctx) => {
      const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
      if (limited) return limited;
      const r = await ctx.app.drops.cancel(buyer(ctx), ctx.params.drop_id!, ctx.params.hold_id!);
      return r.ok ? reply(200, { hold: holdView(r.value) }) : r;
    } },
  { method: 'POST', path: '/drops/:drop_id/waitlist', access: 'buyer', schema: Drops.joinWaitlist,
    handler: async (ctx) => {
    const limited = buyerWriteLimit(ctx) ?? pathIds(ctx);
    if (limited) return limited;
    const b = await ctx.body();
    if (!b.ok) return b;
    // A place here leads to a unit (an offer is paid without a pass), so it is gated as the
    // purchase is; it spends no pass: the pass stays for the purchase it was given for.
    const dropId = ctx.params.drop_id!;
    const variant = b.value.variant as string;
    const closed = await ctx.app.drops.admission.check(dropId, passOf(ctx.headers),
      buyer(ctx).accountId);
    if (closed) {
      // A place already taken is answered as the join's retry is, pass or not.
      const had = (await ctx.app.drops.mine(buyer(ctx), dropId)).entries.find((x) =>
        x.entry.variant === variant && OPEN_ENTRY.has(x.entry.status));
      return had ? reply(200, { entry: entryView(had.entry, had.ahead) }) : closed;
    }
    const r = await ctx.app.drops.join(buyer(ctx), dropId, variant);
    if (!r.ok) return r;
    if (!r.value.replay) {
      ctx.app.observe({ kind: 'waitlist_join', accountId: buyer(ctx).accountId,
        accountCreatedAtMs: buyer(ctx).createdAtMs, subjectId: null, scope: `drop:${dropId}`,
        units: 1, city: null, deliveryAddress: null, atMs: ctx.app.clock.nowMs(),
        facts: clientFacts(ctx) });
    }
    return reply(r.value.replay ? 200 : 201, { entry: entryView(r.value.entry, r.value.ahead) });
  } },
  { method: 'GET', path: '/drops/:drop_id/mine', access: 'buyer', schema: Drops.mine,
    handler: async (ctx) => {
    const bad = pathIds(ctx);
    if (bad) return bad;
    if (!(await ctx.app.drops.drop(ctx.params.drop_id!))) return refuse('drop_not_found');
    const m = await ctx.app.drops.mine(buyer(ctx), ctx.params.drop_id!);
    return reply(200, { holds: m.holds.map((h) => ownHoldView(h, m.revokes.get(h.holdId))),
      waitlist: m.entries.map((x) => entryView(x.entry, x.ahead)) });
  } },
  { method: 'GET', path: '/drop-purchases', access: 'buyer', schema: Drops.myPurchases,
    handler: async (ctx) => {
    const q = ctx.query();
    if (!q.ok) return q;
    const page = await ctx.app.drops.purchasesOf(buyer(ctx), q.value.after || null,
      queryNumber(q.value.limit, ctx.app.deps.limits.dropPurchasePageDropsMax));
    return reply(200, { purchases: page.purchases.map(({ drop, hold, revoke }) => {
      const v = drop.variants.find((x) => x.variant === hold.variant);
      return { drop: { drop_id: drop.dropId, name: drop.name, name_zh: drop.nameZh,
        kind: drop.kind, price_fen: drop.priceFen, deposit_fen: drop.depositFen,
        deposit_refundable: false },
      variant: { variant: hold.variant, name: v?.name ?? hold.variant,
        name_zh: v?.nameZh ?? hold.variant }, hold: ownHoldView(hold, revoke) };
    }), next_after: page.nextAfter });
  } },
];
