// The drop night's auditor, pure: from what the buyers were told, what they read back and the
// drop's final figures, it checks never oversell (sold per size at most its quantity, equal to
// the paid holds, counts adding up), the limits (one unit per buyer), never undersell (nothing
// held at the end, and no size left on sale while someone still waits for it; nobody left
// waiting for a size sold for good, whose line closes with its last sale), the waitlist's
// order (an entry is never offered a unit while one that joined before it still waits), the
// offers' balance (every offer the server made is one its buyer saw and decided, and ended as
// that decision says: paid, payment declined, let go, expired, or still open), ring detection
// (each planted ring's buying accounts found together in one flagged cluster), and the
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
  /** What the buyer did with each waitlist offer it saw (by the offer's hold id). */
  readonly offers: ReadonlyArray<{ holdId: string; choice: OfferChoice }>;
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
  readonly accounts: ReadonlyArray<{ account_id: string }>;
}

export interface DropAudit {
  readonly violations: string[];
  /** Rings with at least `ringMin` buying accounts, and how many of them the report found. */
  readonly ringsEligible: number;
  readonly ringsFound: number;
  /** Honest accounts in a cluster scoring at least `flagScore` (false positives). */
  readonly honestFlagged: number;
  readonly offers: OfferBalance;
  readonly lines: string[];
}

/**
 * What the operator's cancel of the flagged clusters did (POST /admin/suspicious/cancel): the
 * holds it cancelled, the refunds it queued (fen) and the price of one unit.
 */
export interface Revoked {
  readonly holdIds: ReadonlySet<string>;
  readonly refundedFen: number;
  readonly priceFen: number;
}

const NONE_REVOKED: Revoked = { holdIds: new Set(), refundedFen: 0, priceFen: 0 };

export interface DropAuditRules {
  /** A ring counts when at least this many of its accounts bought. */
  readonly ringMin: number;
  /** The share of a ring's buyers one cluster must hold for the ring to be found. */
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
  // The limit per buyer, and every sale told is a sale kept, or cancelled by the operator.
  const cancelledOf = (b: BuyerEnd) => b.holds.filter((h) => revoked.holdIds.has(h.hold_id));
  for (const b of buyers) {
    const units = b.holds.filter((h) => h.status === 'paid' || h.status === 'held')
      .reduce((n, h) => n + h.quantity, 0);
    if (units > rules.perBuyerMax) v.push(`${b.accountId} holds ${units} units`);
    const bought = b.holds.filter((h) => h.status === 'paid').length;
    const cancelled = cancelledOf(b);
    if (bought + cancelled.length !== b.toldBought) {
      v.push(`${b.accountId} was told ${b.toldBought} bought, ${bought} paid read back`
        + (cancelled.length > 0 ? ` and ${cancelled.length} cancelled by the operator` : ''));
    }
    if (cancelled.some((h) => h.status !== 'cancelled')) {
      v.push(`${b.accountId}: a hold the operator cancelled reads back not cancelled`);
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
  // Ring detection.
  const flagged = clusters.filter((c) => c.score >= rules.flagScore);
  const rings = new Map<number, string[]>();
  for (const b of buyers) {
    if (b.ring !== null && b.holds.some((h) => h.status === 'paid'
      || revoked.holdIds.has(h.hold_id))) {
      rings.set(b.ring, [...(rings.get(b.ring) ?? []), b.accountId]);
    }
  }
  let eligible = 0;
  let found = 0;
  for (const [ring, accounts] of [...rings].sort((a, b) => a[0] - b[0])) {
    if (accounts.length < rules.ringMin) continue;
    eligible += 1;
    const best = Math.max(0, ...flagged.map((c) => {
      const ids = new Set(c.accounts.map((a) => a.account_id));
      return accounts.filter((a) => ids.has(a)).length;
    }));
    if (best >= rules.ringShare * accounts.length) found += 1;
    else v.push(`ring ${ring}: ${best} of its ${accounts.length} buying accounts in one cluster`);
    // Once the operator has cancelled (any hold cancelled), a found ring keeps no paid unit
    // (merchandise, inside its cancel window).
    const kept = buyers.filter((b) => accounts.includes(b.accountId)
      && b.holds.some((h) => h.status === 'paid')).length;
    if (revoked.holdIds.size > 0 && kept > 0) {
      v.push(`ring ${ring}: ${kept} accounts keep a paid unit after the operator's cancel`);
    }
  }
  const honest = new Set(buyers.filter((b) => b.ring === null).map((b) => b.accountId));
  const honestFlagged = new Set(flagged.flatMap((c) => c.accounts.map((a) => a.account_id))
    .filter((a) => honest.has(a))).size;
  if (honestFlagged > 0) v.push(`${honestFlagged} honest accounts in flagged clusters`);
  lines.push(`rings found: ${found} of ${eligible} (recall ${eligible === 0 ? '-'
    : (found / eligible).toFixed(2)}); honest accounts flagged: ${honestFlagged}`);
  if (revoked.holdIds.size > 0) {
    lines.push(`the operator cancelled ${cancelledUnits} ring units, ${revoked.refundedFen} fen `
      + 'refunded (queued, reconciled until confirmed); back on sale or down the waitlist');
  }
  return { violations: v, ringsEligible: eligible, ringsFound: found, honestFlagged, offers,
    lines };
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
      if (revoked.has(h.hold_id) && choice === 'paid' && h.status === 'cancelled') {
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
