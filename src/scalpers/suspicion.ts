// The suspicious-pattern report, pure: from the signals of one launch or drop (and the
// registrations of the accounts in it), the clusters of accounts that share a device, a payment
// source, a delivery address or a network, each with its orders, a score and the reasons for it:
// what it shares and with how many accounts, a burst of orders within seconds, accounts
// registered in bulk just before the opening. No storage, no clock: time is an argument.
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
  /** Accounts sharing the key, orders in the burst, accounts registered in bulk. */
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

export interface Cluster {
  /**
   * Stable for the same accounts: the first account id (sorted) of the cluster, prefixed
   * `net:` for a cluster that shares only a network.
   */
  readonly clusterId: string;
  /** 0-100; higher is more suspicious (see `scoreOf`). */
  readonly score: number;
  readonly reasons: readonly Reason[];
  readonly accounts: ReadonlyArray<{ accountId: string; registeredAtMs: number }>;
  readonly orders: readonly ClusterOrder[];
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
 * signals of its orders or holds; `registrations`: the registration signals of their accounts
 * (a device or network seen at sign-up links accounts too). `opensAtMs`: its opening.
 * Accounts linked by a shared device, payment source or address, directly or through others,
 * are one cluster. A shared network is weak evidence (a campus, a carrier's NAT) and never
 * merges clusters: it is a reason of each such cluster with at least `networkAccountsMin` of
 * its own accounts behind it (counted over those accounts only, so strangers joining the
 * network change nothing of the ring's), and a cluster of its own (`net:`) unless one cluster
 * holds all its accounts. Each reason is counted over the accounts that caused it: a `net:`
 * cluster's burst and bulk registration over its accounts that no device, payment source or
 * address links (a ring's orders and sign-ups are its own cluster's reasons), so the honest
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
  const found = new Map<string, { accounts: Set<string>; reasons: Reason[] }>();
  for (const x of strong) {
    const root = groups.find([...x.accounts][0]!);
    const g = found.get(root) ?? { accounts: new Set<string>(), reasons: [] };
    for (const a of x.accounts) g.accounts.add(a);
    g.reasons.push(reasonOf(x));
    found.set(root, g);
  }
  // Each account linked by a strong key, to the cluster it is in.
  const clusterOfAccount = new Map<string, string>();
  for (const [root, g] of found) for (const a of g.accounts) clusterOfAccount.set(a, root);
  const nets = new Map<string, ReadonlySet<string>>();
  for (const x of weak) {
    const behind = new Map<string, number>();
    for (const a of x.accounts) {
      const root = clusterOfAccount.get(a);
      if (root !== undefined) behind.set(root, (behind.get(root) ?? 0) + 1);
    }
    for (const [root, count] of behind) {
      if (count >= rules.networkAccountsMin) {
        found.get(root)!.reasons.push({ ...reasonOf(x), count });
      }
    }
    const [only] = behind;
    if (behind.size === 1 && only![1] === x.accounts.size) continue;
    const id = `net:${x.key}`;
    found.set(id, { accounts: new Set(x.accounts), reasons: [reasonOf(x)] });
    nets.set(id, new Set([...x.accounts].filter((a) => !clusterOfAccount.has(a))));
  }
  const registeredAt = new Map<string, number>();
  for (const s of all) registeredAt.set(s.accountId, s.accountCreatedAtMs);
  const clusters = [...found].map(([id, g]) => clusterOf(id.startsWith('net:') ? 'net' : '',
    g.accounts, nets.get(id) ?? null, g.reasons, scoped, registeredAt, opensAtMs, rules));
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

/**
 * A cluster of these accounts: its orders, a burst and a bulk registration if any, its score.
 * `unlinked`: for a `net:` cluster, its accounts that no device, payment source or address
 * links, the only ones its burst and bulk registration are counted over; null for a cluster
 * of linked accounts (all of them count).
 */
function clusterOf(idPrefix: string, accountIds: ReadonlySet<string>,
  unlinked: ReadonlySet<string> | null, shared: readonly Reason[], scoped: readonly Signal[],
  registeredAt: ReadonlyMap<string, number>, opensAtMs: number, rules: SuspicionRules): Cluster {
  const reasons = [...shared].sort((a, b) => b.count - a.count);
  const orders = scoped.filter((s) => accountIds.has(s.accountId) && s.subjectId !== null)
    .map((s) => ({ subjectId: s.subjectId!, accountId: s.accountId, atMs: s.atMs,
      units: s.units }))
    .sort((a, b) => a.atMs - b.atMs || (a.subjectId < b.subjectId ? -1 : 1));
  const own = unlinked ?? accountIds;
  const burst = densest(orders.filter((o) => own.has(o.accountId)).map((o) => o.atMs),
    rules.burstWindowMs);
  if (burst.count >= rules.burstOrdersMin) {
    reasons.push({ code: 'burst', key: null, count: burst.count, withinMs: burst.spanMs });
  }
  const lately = [...own].map((a) => registeredAt.get(a)!)
    .filter((t) => t <= opensAtMs && t >= opensAtMs - rules.bulkBeforeOpeningMs);
  const bulk = densest(lately, rules.bulkWindowMs);
  if (bulk.count >= rules.bulkAccountsMin) {
    reasons.push({ code: 'bulk_registration', key: null, count: bulk.count,
      withinMs: bulk.spanMs });
  }
  const sorted = [...accountIds].sort();
  return { clusterId: idPrefix ? `${idPrefix}:${sorted[0]!}` : sorted[0]!,
    score: scoreOf(reasons, unlinked === null ? sorted.length : 0), reasons,
    accounts: sorted.map((a) => ({ accountId: a, registeredAtMs: registeredAt.get(a)! })),
    orders };
}
