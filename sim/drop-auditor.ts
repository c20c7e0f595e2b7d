// The drop night's auditor, pure: from what the buyers were told, what they read back and the
// drop's final figures, it checks never oversell (sold per size at most its quantity, equal to
// the paid holds, counts adding up), the limits (one unit per buyer), never undersell (nothing
// held at the end, and no size left on sale while someone still waits for it; nobody left
// waiting for a size sold for good, whose line closes with its last sale), the waitlist's
// order (an entry is never offered a unit while one that joined before it still waits), the
// offers' balance (every offer the server made is one its buyer saw and decided, and ended as
// that decision says: paid, payment declined, let go, expired, or still open), ring detection
// (every planted ring judged by all its accounts that bought or tried, and found when most of
// them are together in one flagged cluster; a ring too few of whose accounts tried to be
// judged fails the audit, so that it cannot pass having checked nothing), and the
// operator's cancel of the flagged clusters (`Revoked`): each sale cancelled is refunded in
// full, no honest buyer's, and no found ring keeps a paid unit.
// Source: issue #17 (the simulator's auditor).

export interface VariantEnd {
  readonly variant: string;
  readonly quantity: number;
  readonly remaining: number;
  readonly held: number;
  readonly sold: number;
  readonly waiting: number;
}

/** One buyer's holds and waitlist entries as read back at the end (GET /drops/{id}/mine). */
export interface BuyerEnd {
  readonly accountId: string;
  /** `null` for an honest buyer; else the ring's index. */
  readonly ring: number | null;
  readonly holds: ReadonlyArray<{ hold_id: string; variant: string; quantity: number;
    status: string; source: string }>;
  readonly entries: ReadonlyArray<{ entry_id: string; variant: string; status: string;
    joined_at: string }>;
  /**
   * When the buyer sent its join and when the reply came (the simulator's clock, ms), or null.
   * The line's order is decided under the drop's lock, so a join answered before another was
   * sent is surely ahead of it, whichever process took each (`joined_at`, the batch's time, is
   * read before that lock and does not order joins across processes).
   */
  readonly join: { sentMs: number; repliedMs: number } | null;
  /** Units the buyer was told were bought (201/200 with a paid hold, or an offer paid). */
  readonly toldBought: number;
  /**
   * Whether the buyer made an attempt the suspicious-pattern report is told of (a `ClientEvent`
   * of the drop: a purchase the sale answered, bought or refused; a waitlist place taken; a
   * place in the room taken while signed in). A ring is judged by its accounts that tried or
   * bought: one that did neither left nothing for the report to see.
   */
  readonly tried: boolean;
  /** What the buyer did with each waitlist offer it saw (by the offer's hold id). */
  readonly offers: ReadonlyArray<{ holdId: string; choice: OfferChoice }>;
  /**
   * The size the buyer asked for in time and was last told was sold out (its purchase or
   * waitlist join refused `drop_sold_out`, or the waiting room's `drop_sold_out`), having let no
   * offer go since; null or absent when not. With its line closed (read back in `entries`),
   * such a buyer is what never undersell is judged by: no unit of its size may end on sale.
   */
  readonly refusedFor?: string | null;
}

/**
 * A buyer's answer to an offer: paid (its payment went through), declined (the payment was
 * declined), late (the pay or cancel was refused otherwise, as when the offer had just
 * ended), let_go (cancelled it), ignored (left it to expire).
 */
export type OfferChoice = 'paid' | 'declined' | 'late' | 'let_go' | 'ignored';

/** The statuses an offer's hold may end in after each choice. */
const OFFER_ENDS: Readonly<Record<OfferChoice, readonly string[]>> = {
  paid: ['paid'], declined: ['failed'], late: ['expired', 'failed'], let_go: ['cancelled'],
  ignored: ['expired'],
};

/** The offers the server made (waitlist holds read back), by how each ended. */
export interface OfferBalance {
  readonly made: number;
  readonly paid: number;
  readonly declined: number;
  readonly cancelled: number;
  readonly expired: number;
  readonly open: number;
  /** Offers paid, then cancelled by the operator's cancel of a flagged cluster (refunded). */
  readonly revoked: number;
}

export interface ReportCluster {
  readonly cluster_id: string;
  readonly score: number;
  /** The flagged accounts: a ring is found by these, and an honest one here is flagged. */
  readonly accounts: ReadonlyArray<{ account_id: string }>;
  /** Accounts tied by one weak key only: shown, never flagged (absent from older servers). */
  readonly linked_accounts?: ReadonlyArray<{ account_id: string }>;
}

export interface DropAudit {
  readonly violations: string[];
  /** The rings planted (among `buyers`), those judged (at least `ringMin` of their accounts
   * bought or tried), and how many of those the report found. */
  readonly ringsPlanted: number;
  readonly ringsJudged: number;
  readonly ringsFound: number;
  /** Honest accounts in a cluster scoring at least `flagScore` (false positives). */
  readonly honestFlagged: number;
  readonly offers: OfferBalance;
  readonly lines: string[];
}

/**
 * What the operator's cancel of the flagged clusters did (POST /admin/suspicious/cancel): the
 * holds it cancelled, the refunds it queued (fen; the provider confirms them later, which the
 * simulator does not wait for) and the price of one unit; where the units went, when read
 * (the drop's figures just before and after the cancel): `backOnSale` units back on sale,
 * `offered` units offered to the waitlist places the sell-out closed (reopened by the cancel).
 */
export interface Revoked {
  readonly holdIds: ReadonlySet<string>;
  readonly refundedFen: number;
  readonly priceFen: number;
  readonly backOnSale?: number;
  readonly offered?: number;
}

/** An amount in fen as yuan, grouped, two decimals: 9222900 is "¥92,229.00". */
export const yuanText = (fen: number): string => `¥${(fen / 100).toLocaleString('en-US',
  { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const NONE_REVOKED: Revoked = { holdIds: new Set(), refundedFen: 0, priceFen: 0 };

export interface DropAuditRules {
  /**
   * A ring is judged when at least this many of its accounts bought or tried; a planted ring
   * with fewer is a violation (the report had too little of it to be judged on).
   */
  readonly ringMin: number;
  /**
   * The share of a ring's accounts that bought or tried one flagged cluster must hold for the
   * ring to be found.
   */
  readonly ringShare: number;
  /** A cluster is flagged from this score. */
  readonly flagScore: number;
  readonly perBuyerMax: number;
}

export const DROP_AUDIT_RULES: DropAuditRules = { ringMin: 3, ringShare: 0.8, flagScore: 50,
  perBuyerMax: 1 };

const ENTRY_OFFERED = new Set(['offered', 'bought', 'lapsed']);

export function auditDrop(ends: readonly VariantEnd[], buyers: readonly BuyerEnd[],
  clusters: readonly ReportCluster[], rules: DropAuditRules = DROP_AUDIT_RULES,
  revoked: Revoked = NONE_REVOKED): DropAudit {
  const v: string[] = [];
  const lines: string[] = [];
  // Never oversell; the counts add up; nothing left held once every deadline has passed.
  const paid = new Map<string, number>();
  for (const b of buyers) {
    for (const h of b.holds) {
      if (h.status === 'paid') paid.set(h.variant, (paid.get(h.variant) ?? 0) + h.quantity);
    }
  }
  for (const e of ends) {
    if (e.sold > e.quantity) v.push(`oversold ${e.variant}: ${e.sold} of ${e.quantity}`);
    if (e.remaining + e.held + e.sold !== e.quantity) {
      v.push(`${e.variant}: on sale ${e.remaining} + held ${e.held} + sold ${e.sold} is not ` +
        `${e.quantity}`);
    }
    if ((paid.get(e.variant) ?? 0) !== e.sold) {
      v.push(`${e.variant}: ${paid.get(e.variant) ?? 0} paid holds read back, ${e.sold} sold`);
    }
    if (e.held !== 0) v.push(`${e.variant}: ${e.held} still held after every deadline`);
    // Never undersell: a unit on sale at the end while someone still waits for it.
    if (e.remaining > 0 && e.waiting > 0) {
      v.push(`undersold ${e.variant}: ${e.remaining} on sale while ${e.waiting} wait`);
    }
    // Sold for good (every unit paid): none can come back, so the line is closed, not waiting.
    if (e.sold === e.quantity && e.waiting > 0) {
      v.push(`${e.variant}: sold for good while ${e.waiting} still wait for it`);
    }
  }
  v.push(...refusedWhileOnSale(ends, buyers));
  // The limit per buyer, and every sale told is a sale kept, or cancelled by the operator.
  const cancelledOf = (b: BuyerEnd) => b.holds.filter((h) => revoked.holdIds.has(h.hold_id));
  for (const b of buyers) {
    // As the server counts them: a purchase the operator revoked keeps counting.
    const units = b.holds.filter((h) => ['paid', 'held', 'revoked'].includes(h.status))
      .reduce((n, h) => n + h.quantity, 0);
    if (units > rules.perBuyerMax) v.push(`${b.accountId} holds ${units} units`);
    const bought = b.holds.filter((h) => h.status === 'paid').length;
    const cancelled = cancelledOf(b);
    if (bought + cancelled.length !== b.toldBought) {
      v.push(`${b.accountId} was told ${b.toldBought} bought, ${bought} paid read back`
        + (cancelled.length > 0 ? ` and ${cancelled.length} cancelled by the operator` : ''));
    }
    if (cancelled.some((h) => h.status !== 'revoked')) {
      v.push(`${b.accountId}: a hold the operator cancelled reads back not revoked`);
    }
    if (b.ring === null && cancelled.length > 0) {
      v.push(`${b.accountId}: an honest buyer's purchase was cancelled`);
    }
  }
  const cancelledUnits = buyers.reduce((n, b) => n + cancelledOf(b)
    .reduce((m, h) => m + h.quantity, 0), 0);
  if (revoked.refundedFen !== cancelledUnits * revoked.priceFen) {
    v.push(`refunds: ${revoked.refundedFen} fen queued for ${cancelledUnits} units cancelled`);
  }
  v.push(...waitlistOrder(buyers));
  const offers = offerBalance(buyers, v, revoked.holdIds);
  lines.push(`offers: ${offers.made} made = ${offers.paid} paid + ${offers.declined} payment `
    + `declined + ${offers.cancelled} let go + ${offers.expired} expired + ${offers.open} `
    + `still open${offers.revoked > 0 ? ` + ${offers.revoked} paid, then cancelled by the `
      + 'operator' : ''}`);
  // Ring detection: every planted ring, by its accounts that bought or tried.
  const rings = judgeRings(buyers, clusters, rules, revoked, v);
  lines.push(...ringLines(buyers, clusters));
  const flagged = clusters.filter((c) => c.score >= rules.flagScore);
  const honest = new Set(buyers.filter((b) => b.ring === null).map((b) => b.accountId));
  const honestFlagged = new Set(flagged.flatMap((c) => c.accounts.map((a) => a.account_id))
    .filter((a) => honest.has(a))).size;
  if (honestFlagged > 0) v.push(`${honestFlagged} honest accounts in flagged clusters`);
  lines.push(`rings: ${rings.planted} planted, ${rings.judged} judged (at least ${rules.ringMin} `
    + `accounts bought or tried), ${rings.found} found (recall ${rings.judged === 0 ? '-'
      : (rings.found / rings.judged).toFixed(2)}); honest accounts flagged: ${honestFlagged}`);
  if (revoked.holdIds.size > 0) {
    const went = revoked.backOnSale === undefined || revoked.offered === undefined
      ? 'offered first to the waitlist places the sell-out closed, the rest back on sale (not '
        + 'read)'
      : `${revoked.offered} offered to the waitlist places the sell-out closed (reopened in `
        + `their order), ${revoked.backOnSale} back on sale`;
    lines.push(`the operator cancelled ${cancelledUnits} ring units, refunds of `
      + `${yuanText(revoked.refundedFen)} queued (the provider's confirmation is the `
      + `reconciler's, not waited for here); ${went}`);
  }
  return { violations: v, ringsPlanted: rings.planted, ringsJudged: rings.judged,
    ringsFound: rings.found, honestFlagged, offers, lines };
}

/**
 * Judges every planted ring (a `ring` among `buyers`) by its accounts that bought (a paid hold,
 * or one the operator cancelled) or tried (`BuyerEnd.tried`): found when one cluster scoring at
 * least `flagScore` holds `ringShare` of them. Pushes onto `v` a ring missed, a ring account
 * that neither bought nor tried, a ring with fewer than `ringMin` accounts that did (not
 * judged), no ring judged of those planted (nothing may pass unchecked), and, once the operator
 * has cancelled, a found ring's account still keeping a paid unit.
 */
export function judgeRings(buyers: readonly BuyerEnd[], clusters: readonly ReportCluster[],
  rules: DropAuditRules, revoked: Revoked, v: string[]):
  { planted: number; judged: number; found: number } {
  const flagged = clusters.filter((c) => c.score >= rules.flagScore);
  const rings = new Map<number, BuyerEnd[]>();
  for (const b of buyers) if (b.ring !== null) rings.set(b.ring, [...(rings.get(b.ring) ?? []), b]);
  let judged = 0;
  let found = 0;
  for (const [ring, members] of [...rings].sort((a, b) => a[0] - b[0])) {
    const accounts = members.filter((b) => b.tried || b.holds.some((h) => h.status === 'paid'
      || revoked.holdIds.has(h.hold_id))).map((b) => b.accountId);
    // Every planted account is to be judged: one that neither bought nor tried left the report
    // nothing to see (the simulator has each ring account try), and would pass unchecked.
    if (accounts.length < members.length) {
      v.push(`ring ${ring}: ${members.length - accounts.length} of its ${members.length} `
        + 'accounts neither bought nor tried');
    }
    if (accounts.length < rules.ringMin) {
      v.push(`ring ${ring}: not judged, ${accounts.length} of its ${members.length} accounts `
        + `bought or tried (fewer than ${rules.ringMin})`);
      continue;
    }
    judged += 1;
    const best = Math.max(0, ...flagged.map((c) => {
      const ids = new Set(c.accounts.map((a) => a.account_id));
      return accounts.filter((a) => ids.has(a)).length;
    }));
    if (best >= rules.ringShare * accounts.length) found += 1;
    else {
      v.push(`ring ${ring}: ${best} of its ${accounts.length} accounts that bought or tried in `
        + 'one flagged cluster');
    }
    // Once the operator has cancelled (any hold cancelled), a found ring keeps no paid unit
    // (merchandise, inside its cancel window).
    const kept = members.filter((b) => b.holds.some((h) => h.status === 'paid')).length;
    if (revoked.holdIds.size > 0 && kept > 0) {
      v.push(`ring ${ring}: ${kept} accounts keep a paid unit after the operator's cancel`);
    }
  }
  if (rings.size > 0 && judged === 0) v.push(`no ring judged of the ${rings.size} planted`);
  return { planted: rings.size, judged, found };
}

/**
 * Each ring as the report saw it: its accounts, how many bought or tried (`BuyerEnd.tried`) and
 * how many bought, and the cluster holding most of them (its score, and how many of the ring it
 * flags or only links).
 */
export function ringLines(buyers: readonly BuyerEnd[], clusters: readonly ReportCluster[]):
  string[] {
  const rings = new Map<number, BuyerEnd[]>();
  for (const b of buyers) if (b.ring !== null) rings.set(b.ring, [...(rings.get(b.ring) ?? []), b]);
  return [...rings].sort((a, b) => a[0] - b[0]).map(([ring, members]) => {
    const ids = new Set(members.map((b) => b.accountId));
    const held = (c: ReportCluster) => c.accounts.filter((a) => ids.has(a.account_id)).length;
    const best = [...clusters].sort((a, b) => held(b) - held(a) || b.score - a.score)[0];
    const bought = members.filter((b) => b.toldBought > 0).length;
    const tried = members.filter((b) => b.tried || b.toldBought > 0).length;
    const linked = best?.linked_accounts?.filter((a) => ids.has(a.account_id)).length ?? 0;
    return `ring ${ring}: ${members.length} accounts, ${tried} bought or tried, ${bought} bought; `
      + (best === undefined
      ? 'in no cluster' : `${held(best)} flagged in cluster ${best.cluster_id} (score `
        + `${best.score}), ${linked} linked`);
  });
}

/**
 * Per variant: an entry offered a unit while another entry still waits whose join was answered
 * before this one's was sent (so it is surely ahead in the line) is out of order. An entry
 * passed over for a limit is not waiting.
 */
export function waitlistOrder(buyers: readonly BuyerEnd[]): string[] {
  const out: string[] = [];
  const byVariant = new Map<string, Array<{ sentMs: number; repliedMs: number; status: string;
    id: string }>>();
  for (const b of buyers) {
    if (b.join === null) continue;
    for (const e of b.entries) {
      const list = byVariant.get(e.variant) ?? [];
      list.push({ ...b.join, status: e.status, id: e.entry_id });
      byVariant.set(e.variant, list);
    }
  }
  for (const [variant, list] of byVariant) {
    const offered = list.filter((e) => ENTRY_OFFERED.has(e.status));
    const waiting = list.filter((e) => e.status === 'waiting');
    for (const o of offered) {
      const before = waiting.find((w) => w.repliedMs < o.sentMs);
      if (before) {
        out.push(`waitlist ${variant}: ${o.id} offered while ${before.id}, ahead of it, waits`);
        break;
      }
    }
  }
  return out;
}

/**
 * The offers' balance: every waitlist hold the server made counted once by how it ended, and
 * checked against what its buyer did, so that made = paid + declined + cancelled + expired +
 * open holds. An offer its buyer never saw (lost to the buyer), a decision on an offer the
 * server does not have, an end the decision does not explain, or a status outside the five
 * (which would leave the sum short) each push a violation onto `v`. An offer its buyer paid
 * and the operator's cancel then cancelled (its hold id in `revoked`) counts as `revoked`.
 */
export function offerBalance(buyers: readonly BuyerEnd[], v: string[],
  revoked: ReadonlySet<string> = new Set()): OfferBalance {
  const n = { made: 0, paid: 0, declined: 0, cancelled: 0, expired: 0, open: 0, revoked: 0 };
  const bucket: Readonly<Record<string, keyof typeof n>> = { paid: 'paid', failed: 'declined',
    cancelled: 'cancelled', expired: 'expired', held: 'open' };
  for (const b of buyers) {
    const chose = new Map(b.offers.map((o) => [o.holdId, o.choice]));
    for (const h of b.holds) {
      if (h.source !== 'waitlist') continue;
      n.made += 1;
      const choice = chose.get(h.hold_id);
      chose.delete(h.hold_id);
      // An offer paid and then cancelled by the operator (a ring's) ended as its buyer chose,
      // and then as the operator chose: counted apart, so that the balance still holds.
      if (revoked.has(h.hold_id) && choice === 'paid' && h.status === 'revoked') {
        n.revoked += 1;
        continue;
      }
      const k = bucket[h.status];
      if (k === undefined) v.push(`offer ${h.hold_id}: status ${h.status} is none of the five`);
      else n[k] += 1;
      if (choice === undefined) {
        v.push(`offer ${h.hold_id} to ${b.accountId} was never seen by its buyer (${h.status})`);
      } else if (h.status !== 'held' && !OFFER_ENDS[choice].includes(h.status)) {
        v.push(`offer ${h.hold_id}: its buyer chose ${choice}, it ended ${h.status}`);
      }
    }
    for (const [holdId, choice] of chose) {
      v.push(`${b.accountId} chose ${choice} on offer ${holdId}, which the server does not have`);
    }
  }
  return n;
}

/**
 * Never undersell, for those who asked in time: a size left on sale at the end while a buyer who
 * asked for it holds no unit, having been told it was sold out (`BuyerEnd.refusedFor`) or had
 * its waitlist place closed (an entry `closed`: the size sold for good; the operator's cancel
 * that undoes it reopens such places and offers them its units first, so one still closed
 * beside a unit on sale is one the cancel skipped). A buyer whose own payment failed (a
 * `failed` hold) had its chance.
 */
export function refusedWhileOnSale(ends: readonly VariantEnd[], buyers: readonly BuyerEnd[]):
  string[] {
  const out: string[] = [];
  for (const e of ends) {
    if (e.remaining <= 0) continue;
    const refused = buyers.filter((b) => !b.holds.some((h) => ['paid', 'held', 'revoked', 'failed']
      .includes(h.status)) && (b.refusedFor === e.variant
      || b.entries.some((x) => x.variant === e.variant && x.status === 'closed'))).length;
    if (refused > 0) {
      out.push(`undersold ${e.variant}: ${e.remaining} on sale at the end while ${refused} who `
        + 'asked for it in time were refused (told sold out, or their waitlist place closed)');
    }
  }
  return out;
}

/** A behaviour a mode of the drop night claims, and how many times the run saw it happen. */
export interface Claim {
  readonly claim: string;
  readonly count: number;
}

/**
 * Every behaviour the mode claims (README) happened at least once: a run whose audit lines say
 * "0 offers" or "0 told" in a mode that claims them checked nothing of it, and fails. Returns
 * the violations (`not exercised: …`) and the report's line.
 */
export function exercised(claims: readonly Claim[]): { violations: string[]; line: string } {
  const missing = claims.filter((c) => !(c.count > 0));
  return { violations: missing.map((c) => `not exercised: ${c.claim} (${c.count})`),
    line: `exercised: ${claims.map((c) => `${c.claim} ${c.count}`).join('; ')}`
      + (missing.length > 0 ? ` (${missing.length} not exercised)` : '') };
}
