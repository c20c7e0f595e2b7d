// The drop night's auditor, pure: from what the buyers were told, what they read back and the
// drop's final figures, it checks never oversell (sold per size at most its quantity, equal to
// the paid holds, counts adding up), the limits (one unit per buyer), never undersell (nothing
// held at the end, and no size left on sale while someone still waits for it; nobody left
// waiting for a size sold for good, whose line closes with its last sale), the waitlist's
// order (an entry is never offered a unit while one that joined before it still waits), the
// offers' balance (every offer the server made is one its buyer saw and decided, and ended as
// that decision says: paid, payment declined, let go, expired, or still open), and
// ring detection (each planted ring's buying accounts found together in one flagged cluster).
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
  clusters: readonly ReportCluster[], rules: DropAuditRules = DROP_AUDIT_RULES): DropAudit {
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
  // The limit per buyer, and every sale told is a sale kept.
  for (const b of buyers) {
    const units = b.holds.filter((h) => h.status === 'paid' || h.status === 'held')
      .reduce((n, h) => n + h.quantity, 0);
    if (units > rules.perBuyerMax) v.push(`${b.accountId} holds ${units} units`);
    const bought = b.holds.filter((h) => h.status === 'paid').length;
    if (bought !== b.toldBought) {
      v.push(`${b.accountId} was told ${b.toldBought} bought, ${bought} paid read back`);
    }
  }
  v.push(...waitlistOrder(buyers));
  const offers = offerBalance(buyers, v);
  lines.push(`offers: ${offers.made} made = ${offers.paid} paid + ${offers.declined} payment `
    + `declined + ${offers.cancelled} let go + ${offers.expired} expired + ${offers.open} `
    + 'still open');
  // Ring detection.
  const flagged = clusters.filter((c) => c.score >= rules.flagScore);
  const rings = new Map<number, string[]>();
  for (const b of buyers) {
    if (b.ring !== null && b.holds.some((h) => h.status === 'paid')) {
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
  }
  const honest = new Set(buyers.filter((b) => b.ring === null).map((b) => b.accountId));
  const honestFlagged = new Set(flagged.flatMap((c) => c.accounts.map((a) => a.account_id))
    .filter((a) => honest.has(a))).size;
  if (honestFlagged > 0) v.push(`${honestFlagged} honest accounts in flagged clusters`);
  lines.push(`rings found: ${found} of ${eligible} (recall ${eligible === 0 ? '-'
    : (found / eligible).toFixed(2)}); honest accounts flagged: ${honestFlagged}`);
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
 * (which would leave the sum short) each push a violation onto `v`.
 */
export function offerBalance(buyers: readonly BuyerEnd[], v: string[]): OfferBalance {
  const n = { made: 0, paid: 0, declined: 0, cancelled: 0, expired: 0, open: 0 };
  const bucket: Readonly<Record<string, keyof typeof n>> = { paid: 'paid', failed: 'declined',
    cancelled: 'cancelled', expired: 'expired', held: 'open' };
  for (const b of buyers) {
    const chose = new Map(b.offers.map((o) => [o.holdId, o.choice]));
    for (const h of b.holds) {
      if (h.source !== 'waitlist') continue;
      n.made += 1;
      const k = bucket[h.status];
      if (k === undefined) v.push(`offer ${h.hold_id}: status ${h.status} is none of the five`);
      else n[k] += 1;
      const choice = chose.get(h.hold_id);
      chose.delete(h.hold_id);
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
