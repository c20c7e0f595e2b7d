// The suspicious-pattern report, pure: from the signals of one launch or drop (and the
// registrations of the accounts in it), the clusters of accounts that share a device, a payment
// source, a delivery address or a network, each with its orders, a score and the reasons for it:
// what it shares and with how many accounts, a burst of orders within seconds, accounts
// registered in bulk just before the opening. Each cluster is split into the accounts it flags
// (its core: tied to one another by a device or payment source, or by two distinct keys) and
// those only linked to it by one weak key (an address such as a campus parcel locker, a
// network), which it shows but never flags. No storage, no clock: time is an argument.
// Source: issue #17 (anti-scalping), DOMAIN.md ("Anti-scalping").
import type { Signal } from './signals.js';

/** The thresholds the report applies (from the Limits table; README, settings). */
export interface SuspicionRules {
  /** Accounts behind one device before it counts as shared. */
  readonly deviceAccountsMin: number;
  readonly paymentAccountsMin: number;
  readonly addressAccountsMin: number;
  /** Higher: a campus or a carrier's NAT puts honest people behind one network. */
  readonly networkAccountsMin: number;
  /** A burst: at least `burstOrdersMin` orders of one cluster within `burstWindowMs`. */
  readonly burstWindowMs: number;
  readonly burstOrdersMin: number;
  /**
   * Bulk registration: at least `bulkAccountsMin` of a cluster's accounts registered within
   * `bulkWindowMs`, all in the `bulkBeforeOpeningMs` before the opening.
   */
  readonly bulkWindowMs: number;
  readonly bulkAccountsMin: number;
  readonly bulkBeforeOpeningMs: number;
}

export type Dimension = 'device' | 'payment_source' | 'address' | 'network';

/** Why a cluster is suspicious: `shared_<dimension>`, `burst`, `bulk_registration`. */
export interface Reason {
  readonly code: `shared_${Dimension}` | 'burst' | 'bulk_registration';
  /** The shared key (hash or network prefix); null for burst and bulk registration. */
  readonly key: string | null;
  /**
   * Accounts sharing the key; for a burst its orders or the accounts acting in it (ordering,
   * refused, joining a waitlist or the waiting room), whichever is more; accounts registered
   * in bulk.
   */
  readonly count: number;
  /** For a burst or a bulk registration: the span it happened within, ms. */
  readonly withinMs: number | null;
}

export interface ClusterOrder {
  /** The order or hold id. */
  readonly subjectId: string;
  readonly accountId: string;
  readonly atMs: number;
  readonly units: number;
}

export interface ClusterAccount {
  readonly accountId: string;
  readonly registeredAtMs: number;
}

/** An account tied to a cluster by one weak key only: shown beside it, never flagged. */
export interface LinkedAccount extends ClusterAccount {
  /** The cluster's shared keys it holds (one weak key: an address or a network). */
  readonly shares: ReadonlyArray<{ readonly code: `shared_${Dimension}`;
    readonly key: string }>;
}

export interface Cluster {
  /**
   * Stable for the same accounts: the first account id (sorted) of the cluster, linked ones
   * included, prefixed `net:` for a cluster that shares only a network.
   */
  readonly clusterId: string;
  /** 0-100, of the flagged accounts; higher is more suspicious (see `scoreOf`). */
  readonly score: number;
  /** Counted over the flagged accounts. */
  readonly reasons: readonly Reason[];
  /** The flagged accounts: the score is theirs, and a cluster's cancel takes their orders. */
  readonly accounts: readonly ClusterAccount[];
  readonly orders: readonly ClusterOrder[];
  /** Accounts tied to the flagged ones by one weak key only, and their orders: never flagged. */
  readonly linked: readonly LinkedAccount[];
  readonly linkedOrders: readonly ClusterOrder[];
}

const DIMENSIONS: ReadonlyArray<{ d: Dimension; key: (s: Signal) => string | null;
  min: (r: SuspicionRules) => number; weight: number }> = [
  { d: 'device', key: (s) => s.deviceKey, min: (r) => r.deviceAccountsMin, weight: 35 },
  { d: 'payment_source', key: (s) => s.paymentKey, min: (r) => r.paymentAccountsMin, weight: 35 },
  { d: 'address', key: (s) => s.addressKey, min: (r) => r.addressAccountsMin, weight: 25 },
  { d: 'network', key: (s) => s.networkKey, min: (r) => r.networkAccountsMin, weight: 10 },
];

const BURST_WEIGHT = 15;
const BULK_WEIGHT = 15;

/** Union-find over account ids. */
class Groups {
  readonly #parent = new Map<string, string>();

  find(a: string): string {
    let p = this.#parent.get(a) ?? a;
    if (p !== a) {
      p = this.find(p);
      this.#parent.set(a, p);
    }
    return p;
  }

  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

/** The most timestamps within any span of `windowMs`, and the span they took. */
export function densest(times: readonly number[], windowMs: number): { count: number;
  spanMs: number } {
  const t = [...times].sort((a, b) => a - b);
  let best = { count: 0, spanMs: 0 };
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! > windowMs) lo++;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, spanMs: t[hi]! - t[lo]! };
  }
  return best;
}

/**
 * The score: the weight of each kind of key shared (device and payment source 35, address 25,
 * network 10), 2 per linked account past the second (at most 20), 15 for a burst, 15 for a bulk
 * registration; at most 100. `linkedAccounts`: the accounts linked by a device, payment source
 * or address (0 for a cluster that shares only a network: how many accounts are behind one
 * network says how busy it is, not how suspicious). Sharing a device or a card is what a ring
 * cannot easily avoid; a network alone is weak evidence and scores at most 40, under the
 * simulator's bar of 50 (a carrier's NAT or an office puts honest buyers behind one, and they
 * all buy in the opening second). Source: issue #17 (the report's rules; a shared network
 * alone must not flag the honest buyers behind it).
 */
export function scoreOf(reasons: readonly Reason[], linkedAccounts: number): number {
  let score = Math.min(20, 2 * Math.max(0, linkedAccounts - 2));
  for (const { d, weight } of DIMENSIONS) {
    if (reasons.some((r) => r.code === `shared_${d}`)) score += weight;
  }
  if (reasons.some((r) => r.code === 'burst')) score += BURST_WEIGHT;
  if (reasons.some((r) => r.code === 'bulk_registration')) score += BULK_WEIGHT;
  return Math.min(100, score);
}

/**
 * The clusters in a launch's or a drop's signals, most suspicious first. `scoped`: the
 * signals of its orders or holds and of every attempt at it (refused, waitlist and waiting
 * room joins), so a ring is seen by all its accounts that tried, not only those that bought;
 * `registrations`: the registration signals of those accounts (a device or network seen at
 * sign-up links accounts too). `opensAtMs`: its opening.
 * Accounts linked by a shared device, payment source or address, directly or through others,
 * are one cluster. Its flagged part is its core: accounts tied to another of the cluster by a
 * shared device or payment source, or by two distinct keys (any two of device, payment source,
 * address, network); an account tied
 * by one weak key only (an honest buyer using a ring's parcel locker, or on its network) is
 * `linked`: shown with the key, never scored nor flagged. A cluster with no core at all (one
 * address and nothing else, say) has nothing to tell its accounts apart and is flagged whole,
 * as before. The score and reasons count the flagged accounts only.
 * A shared network is weak evidence (a campus, a carrier's NAT) and never merges clusters: it
 * is a reason of each cluster with at least `networkAccountsMin` of its flagged accounts behind
 * it, and a cluster of its own (`net:`) unless one cluster holds all its accounts. A `net:`
 * cluster's burst and bulk registration count only its accounts that no device, payment source
 * or address links (a ring's orders and sign-ups are its own cluster's reasons), so the honest
 * accounts behind a ring's network never borrow its burst or bulk (issue #17).
 */
export function findClusters(scoped: readonly Signal[], registrations: readonly Signal[],
  opensAtMs: number, rules: SuspicionRules): Cluster[] {
  const inScope = new Set(scoped.map((s) => s.accountId));
  const all = [...scoped, ...registrations.filter((s) => inScope.has(s.accountId))];
  const groups = new Groups();
  const strong: Shared[] = [];
  const weak: Shared[] = [];
  for (const dim of DIMENSIONS) {
    for (const x of sharedKeys(all, dim, rules)) {
      if (dim.d === 'network') {
        weak.push(x);
        continue;
      }
      strong.push(x);
      const [first, ...rest] = x.accounts;
      for (const a of rest) groups.join(first!, a);
    }
  }
  const reach = new Map<string, { accounts: Set<string>; shared: Shared[] }>();
  for (const x of strong) {
    const root = groups.find([...x.accounts][0]!);
    const g = reach.get(root) ?? { accounts: new Set<string>(), shared: [] };
    for (const a of x.accounts) g.accounts.add(a);
    g.shared.push(x);
    reach.set(root, g);
  }
  // Each account linked by a strong key, to the cluster it is in.
  const clusterOfAccount = new Map<string, string>();
  for (const [root, g] of reach) for (const a of g.accounts) clusterOfAccount.set(a, root);
  const registeredAt = new Map<string, number>();
  for (const s of all) registeredAt.set(s.accountId, s.accountCreatedAtMs);
  const keys = keysByAccount(all);
  const ctx = { scoped, registeredAt, opensAtMs, rules };
  const cores = new Map<string, { core: Core; reasons: Reason[] }>();
  for (const [root, g] of reach) {
    const core = coreOf(g.accounts, keys, g.shared);
    const reasons: Reason[] = [];
    for (const x of g.shared) {
      const count = [...x.accounts].filter((a) => core.flagged.has(a)).length;
      if (count >= DIMENSIONS.find((d) => d.d === x.d)!.min(rules)) {
        reasons.push({ ...reasonOf(x), count });
      }
    }
    cores.set(root, { core, reasons });
  }
  const clusters: Cluster[] = [];
  const nets: Array<{ x: Shared; unlinked: Set<string> }> = [];
  for (const x of weak) {
    const behind = new Map<string, number>();
    const flaggedBehind = new Map<string, number>();
    for (const a of x.accounts) {
      const root = clusterOfAccount.get(a);
      if (root === undefined) continue;
      behind.set(root, (behind.get(root) ?? 0) + 1);
      if (cores.get(root)!.core.flagged.has(a)) {
        flaggedBehind.set(root, (flaggedBehind.get(root) ?? 0) + 1);
      }
    }
    for (const [root, count] of flaggedBehind) {
      if (count >= rules.networkAccountsMin) {
        cores.get(root)!.reasons.push({ ...reasonOf(x), count });
      }
    }
    const [only] = behind;
    if (behind.size === 1 && only![1] === x.accounts.size) continue;
    nets.push({ x, unlinked: new Set([...x.accounts].filter((a) => !clusterOfAccount.has(a))) });
  }
  for (const [root, { core, reasons }] of cores) {
    clusters.push(clusterOf('', reach.get(root)!.accounts, core, null, reasons, ctx));
  }
  // Nothing but the network ties a `net:` cluster's accounts: no core, and weak.
  for (const { x, unlinked } of nets) {
    clusters.push(clusterOf('net', x.accounts, { flagged: new Set(x.accounts), ties: new Map() },
      unlinked, [reasonOf(x)], ctx));
  }
  return clusters.sort((a, b) => b.score - a.score || b.accounts.length - a.accounts.length
    || (a.clusterId < b.clusterId ? -1 : 1));
}

interface Shared {
  readonly d: Dimension;
  readonly key: string;
  readonly accounts: ReadonlySet<string>;
}

const reasonOf = (x: Shared): Reason => ({ code: `shared_${x.d}`, key: x.key,
  count: x.accounts.size, withinMs: null });

/** The keys of one dimension shared by at least its minimum of accounts. */
function sharedKeys(all: readonly Signal[], dim: (typeof DIMENSIONS)[number],
  rules: SuspicionRules): Shared[] {
  const byKey = new Map<string, Set<string>>();
  for (const s of all) {
    const k = dim.key(s);
    if (k === null) continue;
    const set = byKey.get(k) ?? new Set<string>();
    set.add(s.accountId);
    byKey.set(k, set);
  }
  return [...byKey].filter(([, accounts]) => accounts.size >= dim.min(rules))
    .map(([key, accounts]) => ({ d: dim.d, key, accounts }));
}

/** A key as `<dimension> <key>`, so that keys of two dimensions never compare equal. */
const SEP = '\u0000';

/** Every account's keys, all dimensions, from all its signals. */
function keysByAccount(all: readonly Signal[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of all) {
    const set = out.get(s.accountId) ?? new Set<string>();
    for (const dim of DIMENSIONS) {
      const k = dim.key(s);
      if (k !== null) set.add(`${dim.d}${SEP}${k}`);
    }
    out.set(s.accountId, set);
  }
  return out;
}

/**
 * The ties an account's core membership is judged on, at most this many per account (its keys
 * that another account of the cluster holds too): the pairs of them are tried, and a client
 * that rotated its network or device on every request must not make that quadratic in it.
 */
const TIES_MAX = 12;

interface Core {
  /** The flagged accounts (all of them when the cluster has no core). */
  readonly flagged: Set<string>;
  /** Each account's keys that another account of the cluster holds too. */
  readonly ties: ReadonlyMap<string, readonly string[]>;
}

/**
 * A cluster's core: accounts joined to another of it by a shared device or payment source of
 * the cluster, or by two distinct keys they both hold (any two of device, payment source,
 * address, network). Found by union-find over the strong keys and over each pair of an
 * account's ties, so no pair of accounts is ever compared. Its accounts in a class of two or
 * more are flagged; none is a cluster without a core, flagged whole. Registering at the same
 * time is no tie: a neighbour who signed up in the ring's ten minutes is still a neighbour.
 */
function coreOf(accounts: Set<string>, keys: ReadonlyMap<string, ReadonlySet<string>>,
  shared: readonly Shared[]): Core {
  const holders = new Map<string, number>();
  for (const a of accounts) {
    for (const k of keys.get(a) ?? []) holders.set(k, (holders.get(k) ?? 0) + 1);
  }
  const strongKeys = new Set(shared.filter((x) => x.d === 'device' || x.d === 'payment_source')
    .map((x) => `${x.d}${SEP}${x.key}`));
  const core = new Groups();
  const firstOf = new Map<string, string>();
  const tie = (k: string, a: string): void => {
    const f = firstOf.get(k);
    if (f === undefined) firstOf.set(k, a);
    else core.join(f, a);
  };
  const ties = new Map<string, string[]>();
  for (const a of accounts) {
    const own = [...(keys.get(a) ?? [])].filter((k) => holders.get(k)! >= 2).sort()
      .slice(0, TIES_MAX);
    ties.set(a, own);
    for (const k of own) if (strongKeys.has(k)) tie(k, a);
    for (let i = 0; i < own.length; i++) {
      for (let j = i + 1; j < own.length; j++) tie(`${own[i]}${SEP}${SEP}${own[j]}`, a);
    }
  }
  const size = new Map<string, number>();
  for (const a of accounts) size.set(core.find(a), (size.get(core.find(a)) ?? 0) + 1);
  const flagged = new Set([...accounts].filter((a) => size.get(core.find(a))! >= 2));
  return { flagged: flagged.size > 0 ? flagged : accounts, ties };
}

/**
 * The most distinct accounts acting (any signal of the scope: an order, a hold, a refusal, a
 * waitlist or waiting room join) within any span of `windowMs`, and the span they took.
 */
export function densestAccounts(acts: ReadonlyArray<{ accountId: string; atMs: number }>,
  windowMs: number): { count: number; spanMs: number } {
  const t = [...acts].sort((a, b) => a.atMs - b.atMs);
  const inside = new Map<string, number>();
  let best = { count: 0, spanMs: 0 };
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    inside.set(t[hi]!.accountId, (inside.get(t[hi]!.accountId) ?? 0) + 1);
    while (t[hi]!.atMs - t[lo]!.atMs > windowMs) {
      const a = t[lo]!.accountId;
      const left = inside.get(a)! - 1;
      if (left === 0) inside.delete(a);
      else inside.set(a, left);
      lo++;
    }
    if (inside.size > best.count) best = { count: inside.size, spanMs: t[hi]!.atMs - t[lo]!.atMs };
  }
  return best;
}

interface ClusterCtx {
  readonly scoped: readonly Signal[];
  readonly registeredAt: ReadonlyMap<string, number>;
  readonly opensAtMs: number;
  readonly rules: SuspicionRules;
}

const orderOf = (s: Signal): ClusterOrder => ({ subjectId: s.subjectId!, accountId: s.accountId,
  atMs: s.atMs, units: s.units });
const byTime = (a: ClusterOrder, b: ClusterOrder): number => a.atMs - b.atMs
  || (a.subjectId < b.subjectId ? -1 : 1);

/**
 * A cluster of these accounts: its flagged part (`core.flagged`) and the rest linked, its
 * orders, a burst and a bulk registration if any, its score. `unlinked`: for a `net:` cluster,
 * its accounts that no device, payment source or address links, the only ones its burst and
 * bulk registration are counted over; null for a cluster of linked accounts (its flagged
 * accounts count). A burst: at least `burstOrdersMin` orders, or accounts acting (ordering,
 * refused, joining a waitlist or the waiting room), within `burstWindowMs`.
 */
function clusterOf(idPrefix: string, accountIds: ReadonlySet<string>, core: Core,
  unlinked: ReadonlySet<string> | null, shared: readonly Reason[], c: ClusterCtx): Cluster {
  const { rules } = c;
  const reasons = [...shared].sort((a, b) => b.count - a.count);
  const mine = c.scoped.filter((s) => accountIds.has(s.accountId));
  const orders = mine.filter((s) => s.subjectId !== null && core.flagged.has(s.accountId))
    .map(orderOf).sort(byTime);
  const linkedOrders = mine.filter((s) => s.subjectId !== null && !core.flagged.has(s.accountId))
    .map(orderOf).sort(byTime);
  const own = unlinked ?? core.flagged;
  const byOrders = densest(orders.filter((o) => own.has(o.accountId)).map((o) => o.atMs),
    rules.burstWindowMs);
  const byAccounts = densestAccounts(mine.filter((s) => own.has(s.accountId)),
    rules.burstWindowMs);
  const burst = byAccounts.count > byOrders.count ? byAccounts : byOrders;
  if (burst.count >= rules.burstOrdersMin) {
    reasons.push({ code: 'burst', key: null, count: burst.count, withinMs: burst.spanMs });
  }
  const lately = [...own].map((a) => c.registeredAt.get(a)!)
    .filter((t) => t <= c.opensAtMs && t >= c.opensAtMs - rules.bulkBeforeOpeningMs);
  const bulk = densest(lately, rules.bulkWindowMs);
  if (bulk.count >= rules.bulkAccountsMin) {
    reasons.push({ code: 'bulk_registration', key: null, count: bulk.count,
      withinMs: bulk.spanMs });
  }
  const sorted = [...accountIds].sort();
  const view = (a: string): ClusterAccount => ({ accountId: a,
    registeredAtMs: c.registeredAt.get(a)! });
  return { clusterId: idPrefix ? `${idPrefix}:${sorted[0]!}` : sorted[0]!,
    score: scoreOf(reasons, unlinked === null ? core.flagged.size : 0), reasons,
    accounts: sorted.filter((a) => core.flagged.has(a)).map(view), orders,
    linked: sorted.filter((a) => !core.flagged.has(a)).map((a) => ({ ...view(a),
      shares: (core.ties.get(a) ?? []).map((k) => {
        const [d, key] = k.split(SEP) as [Dimension, string];
        return { code: `shared_${d}` as const, key };
      }) })),
    linkedOrders };
}
