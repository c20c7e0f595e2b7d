// Price versions and price protection, as pure rules. A launch's price list starts as version 1
// (its catalogue); each change of one trim's or option's list price is the next version, from
// a date (Tesla's overnight cut of 14,000 yuan; SU7 Ultra's 814,900 to 529,900 yuan). Versions
// are append-only and never take effect in the past, so the version an order was placed at
// never changes. Protection (ours, configurable): an order not yet delivered pays the lower
// price (a credit against its balance); an order delivered within N days before the change gets
// the difference back through the payment port. A rise never reaches an order already placed.
import type { Launch } from '../launches/index.js';
import type { Order } from '../orders/index.js';
import { ok, quoted, refuse, type Result } from '../kernel/outcomes.js';

export type PriceItemKind = 'trim' | 'option';

export interface PriceVersion {
  readonly launchId: string;
  /** 2, 3, ...: version 1 is the launch's catalogue as it was before any change. */
  readonly version: number;
  readonly itemKind: PriceItemKind;
  readonly itemId: string;
  /** The new list price, fen. */
  readonly priceFen: number;
  /** The list price it replaces, fen (the item's price in the version before). */
  readonly previousFen: number;
  /** From when the price applies, ms; never before it was recorded. */
  readonly effectiveFromMs: number;
  /** Why (shown to operators and in the audit log). */
  readonly reason: string;
  readonly actor: string;
  readonly recordedAtMs: number;
  /** When the catalogue took it and protection was applied; null while pending. */
  readonly appliedAtMs: number | null;
}

/** The protection rule (Config: LAUNCHDAY_PRICE_PROTECTION_*). */
export interface ProtectionRule {
  /** Orders not yet delivered pay the lower price. */
  readonly undeliveredPaysLower: boolean;
  /** Orders delivered this many days or fewer before the change get the difference back. */
  readonly deliveredWithinDays: number;
}

/** What protection does for one order at one price change. */
export type ProtectionDecision =
  | { readonly kind: 'credit'; readonly amountFen: number }
  | { readonly kind: 'refund'; readonly amountFen: number }
  | { readonly kind: 'none'; readonly why: 'not_lower' | 'cancelled' | 'rule' | 'too_long_ago' };

const DAY_MS = 86_400_000;

/** What an operator asks: one item's new price from a moment. */
export interface PriceChangeInput {
  readonly itemKind: PriceItemKind;
  readonly itemId: string;
  readonly priceFen: number;
  readonly effectiveFromMs: number;
  readonly reason: string;
}

/** The item's list price in a launch's catalogue, or undefined if it has no such item. */
export function itemPrice(launch: Launch, kind: PriceItemKind, itemId: string): number | undefined {
  return kind === 'trim' ? launch.trims.find((t) => t.trim === itemId)?.priceFen
    : launch.options.find((o) => o.optionId === itemId)?.priceFen;
}

/** The largest share one price change may move a trim's price, up or down (options may go free). */
export const PRICE_STEP_MAX = 0.5;

/**
 * Checks a change against the catalogue and the versions already recorded (the last of the
 * item's pending versions is what it replaces). Refusals: unknown_price_item,
 * invalid_price_change (the message names the rule: not in the past, at most `horizonMs`
 * ahead, a price at most `priceMaxFen`, a trim's above its deposit and at most PRICE_STEP_MAX
 * from its last price, a reason).
 */
export function decidePriceChange(launch: Launch, versions: readonly PriceVersion[],
  input: PriceChangeInput, nowMs: number, limits: { priceMaxFen: number; horizonMs: number }):
  Result<PriceVersion> {
  const catalogue = itemPrice(launch, input.itemKind, input.itemId);
  if (catalogue === undefined) {
    return refuse('unknown_price_item', `${launch.name} has no ${input.itemKind} `
      + `${quoted(input.itemId)}; pick one from its catalogue (GET /launches/${launch.launchId}).`);
  }
  if (!Number.isSafeInteger(input.priceFen) || input.priceFen < 0
    || input.priceFen > limits.priceMaxFen) {
    return refuse('invalid_price_change', `"price_fen" must be 0-${limits.priceMaxFen}.`);
  }
  // A typo must not reprice the catalogue: a trim never costs less than its deposit (the
  // deposit is applied to the price), and one change moves a trim at most by the share below
  // (the deepest real cut, SU7 Ultra's 814,900 -> 529,900 yuan, was 35%).
  const previous = [...versions].reverse().find((v) => v.launchId === launch.launchId
    && v.itemKind === input.itemKind && v.itemId === input.itemId)?.priceFen ?? catalogue;
  if (input.itemKind === 'trim' && input.priceFen <= launch.depositFen) {
    return refuse('invalid_price_change', `"price_fen" of a trim must be more than the `
      + `deposit (${launch.depositFen} fen).`);
  }
  if (input.itemKind === 'trim' && (input.priceFen < previous * (1 - PRICE_STEP_MAX)
    || input.priceFen > previous * (1 + PRICE_STEP_MAX))) {
    return refuse('invalid_price_change', `"price_fen" may move at most `
      + `${PRICE_STEP_MAX * 100}% from ${previous} fen in one change: record a larger move in `
      + 'steps, each with its reason.');
  }
  if (input.effectiveFromMs < nowMs - 1_000) {
    return refuse('invalid_price_change', '"effective_from" must not be in the past: a version '
      + 'an order was placed at never changes.');
  }
  if (input.effectiveFromMs > nowMs + limits.horizonMs) {
    return refuse('invalid_price_change', '"effective_from" is too far ahead.');
  }
  if (input.reason.trim() === '') return refuse('invalid_price_change', '"reason" is required.');
  const last = versions.filter((v) => v.launchId === launch.launchId)
    .reduce((m, v) => Math.max(m, v.version), 1);
  const before = [...versions].reverse().find((v) => v.launchId === launch.launchId
    && v.itemKind === input.itemKind && v.itemId === input.itemId);
  if (before && before.effectiveFromMs > input.effectiveFromMs) {
    return refuse('invalid_price_change', '"effective_from" must not come before the item\'s '
      + 'last recorded change.');
  }
  return ok({ launchId: launch.launchId, version: last + 1, itemKind: input.itemKind,
    itemId: input.itemId, priceFen: input.priceFen, previousFen: before?.priceFen ?? catalogue,
    effectiveFromMs: input.effectiveFromMs, reason: input.reason.trim(), actor: '',
    recordedAtMs: nowMs, appliedAtMs: null });
}

/** The launch's catalogue with the version's price in it. */
export function withPrice(launch: Launch, v: PriceVersion): Launch {
  return v.itemKind === 'trim'
    ? { ...launch, trims: launch.trims.map((t) => (t.trim === v.itemId
      ? { ...t, priceFen: v.priceFen } : t)) }
    : { ...launch, options: launch.options.map((o) => (o.optionId === v.itemId
      ? { ...o, priceFen: v.priceFen } : o)) };
}

/** A configuration's list price in a catalogue (trim plus chosen options), fen. */
export function configurationPrice(launch: Launch, trim: string, options: readonly string[]):
  number {
  let fen = launch.trims.find((t) => t.trim === trim)?.priceFen ?? 0;
  for (const id of options) fen += launch.options.find((o) => o.optionId === id)?.priceFen ?? 0;
  return fen;
}

/**
 * What protection does for one order when a price change takes effect. `paidFen`: what the
 * order costs now (its price less earlier protection); `newListFen`: its configuration's list
 * price after the change; `deliveredAtMs`: null while not delivered (delivery's handover).
 */
export function decideProtection(order: Pick<Order, 'status' | 'launchId'>, paidFen: number,
  newListFen: number, deliveredAtMs: number | null, effectiveFromMs: number,
  rule: ProtectionRule): ProtectionDecision {
  if (order.status === 'cancelled') return { kind: 'none', why: 'cancelled' };
  const diff = paidFen - newListFen;
  if (diff <= 0) return { kind: 'none', why: 'not_lower' };
  if (deliveredAtMs === null) {
    return rule.undeliveredPaysLower ? { kind: 'credit', amountFen: diff }
      : { kind: 'none', why: 'rule' };
  }
  if (effectiveFromMs - deliveredAtMs > rule.deliveredWithinDays * DAY_MS) {
    return { kind: 'none', why: 'too_long_ago' };
  }
  return { kind: 'refund', amountFen: diff };
}
