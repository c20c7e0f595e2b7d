// The auditor keeps its own model of every order the simulator placed, checks every reply against
// it as it arrives, and at the end compares the server's stored orders, queues and statistics with
// the model (TigerBeetle's workload-and-auditor pattern). A difference is a violation; any
// violation fails the run.
import { listPriceFen, type Catalog } from './catalog.js';
import type { Configuration } from './workload.js';

/** As the server's (src/orders/order.ts): firm -> locked -> scheduled; cancelled from any. */
export type OrderStatus = 'firm' | 'locked' | 'scheduled' | 'cancelled';

/** Past the lock (locked or scheduled): in the queue, deposit forfeited on cancel. */
const pastLock = (s: OrderStatus | string): boolean => s === 'locked' || s === 'scheduled';
export type DepositState = 'held' | 'refunded' | 'forfeited' | 'applied';

export interface ModelOrder {
  readonly orderId: string;
  readonly accountId: string;
  launchId: string;
  trim: string;
  options: string[];
  city: string;
  status: OrderStatus;
  priceFen: number;
  depositFen: number;
  depositState: DepositState;
  queueKey: string | null;
  place: number | null;
  /** Client clock (ms) when the request that queued the order was sent, and its reply came. */
  queuedSentMs: number;
  queuedRepliedMs: number;
}

/** What the auditor needs of a reply; the runner's `Reply` has these fields. */
export interface AuditedReply {
  readonly status: number;
  readonly code: string | null;
  readonly body: any;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly sentAtMs: number;
  readonly repliedAtMs: number;
}

export interface Violation {
  readonly kind: string;
  readonly detail: string;
}

const EXAMPLES_PER_KIND_MAX = 5;

export class Auditor {
  readonly orders = new Map<string, ModelOrder>();
  private readonly byKey = new Map<string, string>();
  private readonly departures = new Map<string, number>();
  private readonly uncertain = new Set<string>();
  private readonly violationCounts = new Map<string, number>();
  private readonly examples: Violation[] = [];
  checks = 0;

  private readonly catalogs: Map<string, Catalog>;

  constructor(catalogs: ReadonlyMap<string, Catalog>) {
    this.catalogs = new Map(catalogs);
  }

  /**
   * A price version took effect (an operator's price change, applied by the server): orders
   * placed from now on are modelled at the trim's new list price.
   */
  repriced(launchId: string, trim: string, priceFen: number): void {
    const c = this.catalog(launchId);
    this.catalogs.set(launchId, { ...c, trims: c.trims.map((t) => (t.trim === trim
      ? { ...t, priceFen } : t)) });
  }

  get violationCount(): number {
    let n = 0;
    for (const c of this.violationCounts.values()) n += c;
    return n;
  }

  /** Violations by kind, each with up to five examples. */
  violations(): { kind: string; count: number; examples: string[] }[] {
    return [...this.violationCounts].map(([kind, count]) => ({ kind, count,
      examples: this.examples.filter((v) => v.kind === kind).map((v) => v.detail) }));
  }

  violation(kind: string, detail: string): void {
    const seen = this.violationCounts.get(kind) ?? 0;
    this.violationCounts.set(kind, seen + 1);
    if (seen < EXAMPLES_PER_KIND_MAX) this.examples.push({ kind, detail });
  }

  private expect(ok: boolean, kind: string, detail: () => string): boolean {
    this.checks += 1;
    if (!ok) this.violation(kind, detail());
    return ok;
  }

  /** A refusal must carry one of the codes the model predicts, and changes nothing. */
  refusal(what: string, reply: AuditedReply, expected: readonly string[]): boolean {
    return this.expect(reply.status >= 400 && reply.code !== null &&
      expected.includes(reply.code), 'unexpected_reply',
    () => `${what}: expected ${expected.length === 0 ? 'success' : expected.join(' or ')}, ` +
      `got ${describe(reply)}`);
  }

  /** `POST /orders` answered 200/201 for idempotency key `key`. */
  placed(what: string, accountId: string, key: string, launchId: string,
    config: Configuration, reply: AuditedReply, earlierAttempt: boolean): ModelOrder | null {
    const replay = reply.headers['idempotent-replay'] === 'true';
    const okStatus = reply.status === 201 || (reply.status === 200 && replay);
    if (!this.expect(okStatus, 'unexpected_reply',
      () => `${what}: expected 201 (or 200 replay), got ${describe(reply)}`)) return null;
    const body = reply.body;
    const known = this.byKey.get(`${accountId}/${key}`);
    if (known !== undefined) {
      this.expect(replay && body.order_id === known, 'idempotency',
        () => `${what}: key ${key} already made ${known}, now ${reply.status} ${body.order_id}`);
      return this.orders.get(known) ?? null;
    }
    this.expect(!replay || earlierAttempt, 'idempotency',
      () => `${what}: a first attempt with key ${key} came back as a replay`);
    this.expect(!this.orders.has(body.order_id), 'idempotency',
      () => `${what}: key ${key} returned order ${body.order_id} made by another key`);
    const catalog = this.catalog(launchId);
    const locked = catalog.locksOnPayment;
    const order: ModelOrder = {
      orderId: body.order_id, accountId, launchId, trim: config.trim,
      options: [...config.options].sort(), city: config.city,
      status: locked ? 'locked' : 'firm',
      priceFen: listPriceFen(catalog, config.trim, config.options),
      depositFen: catalog.depositFen, depositState: 'held',
      queueKey: null, place: null, queuedSentMs: reply.sentAtMs, queuedRepliedMs: reply.repliedAtMs,
    };
    if (locked) this.enterQueue(order, body, reply);
    this.compareOrder(what, order, body);
    this.orders.set(order.orderId, order);
    this.byKey.set(`${accountId}/${key}`, order.orderId);
    return order;
  }

  locked(order: ModelOrder, reply: AuditedReply): void {
    if (!this.ok('lock', order, reply)) return;
    order.status = 'locked';
    this.enterQueue(order, reply.body, reply);
    this.compareOrder(`lock ${order.orderId}`, order, reply.body);
    this.expect(reply.body.locked_at != null, 'order_fields',
      () => `lock ${order.orderId}: locked_at is ${reply.body.locked_at}`);
  }

  /**
   * A car was allocated to a locked order (production): it is scheduled, keeping its queue
   * place. For the simulator's after-the-night mode, which reads the allocations.
   */
  scheduled(order: ModelOrder): void {
    this.expect(order.status === 'locked', 'order_fields',
      () => `schedule ${order.orderId}: the model has it ${order.status}, not locked`);
    if (order.status === 'locked') order.status = 'scheduled';
  }

  cancelled(order: ModelOrder, reply: AuditedReply): void {
    if (!this.ok('cancel', order, reply)) return;
    if (pastLock(order.status)) this.leaveQueue(order);
    order.depositState = pastLock(order.status) ? 'forfeited' : 'refunded';
    order.status = 'cancelled';
    this.compareOrder(`cancel ${order.orderId}`, order, reply.body);
  }

  changed(order: ModelOrder, config: Configuration, reply: AuditedReply): void {
    if (!this.ok('change', order, reply)) return;
    order.trim = config.trim;
    order.options = [...config.options].sort();
    order.city = config.city;
    order.priceFen = listPriceFen(this.catalog(order.launchId), config.trim, config.options);
    this.compareOrder(`change ${order.orderId}`, order, reply.body);
  }

  /** A locked order moved to another launch in a change window: re-queued, deposit kept. */
  switched(order: ModelOrder, launchId: string, config: Configuration, reply: AuditedReply): void {
    if (!this.ok('switch', order, reply)) return;
    this.leaveQueue(order);
    order.launchId = launchId;
    order.trim = config.trim;
    order.options = [...config.options].sort();
    order.city = config.city;
    order.priceFen = listPriceFen(this.catalog(launchId), config.trim, config.options);
    this.enterQueue(order, reply.body, reply);
    this.compareOrder(`switch ${order.orderId}`, order, reply.body);
  }

  private ok(what: string, order: ModelOrder, reply: AuditedReply): boolean {
    return this.expect(reply.status === 200 && reply.body?.order_id === order.orderId,
      'unexpected_reply', () => `${what} ${order.orderId}: expected 200, got ${describe(reply)}`);
  }

  private enterQueue(order: ModelOrder, body: any, reply: AuditedReply): void {
    order.queueKey = `${order.launchId}/${order.trim}/${order.city}`;
    order.place = Number.isInteger(body?.queue?.place) ? body.queue.place : null;
    order.queuedSentMs = reply.sentAtMs;
    order.queuedRepliedMs = reply.repliedAtMs;
    this.expect(order.place !== null && order.place >= 1, 'queue',
      () => `${order.orderId}: locked without a queue place (${JSON.stringify(body?.queue)})`);
  }

  private leaveQueue(order: ModelOrder): void {
    if (order.queueKey === null) return;
    this.departures.set(order.queueKey, (this.departures.get(order.queueKey) ?? 0) + 1);
    order.queueKey = null;
    order.place = null;
  }

  /** Compares a server order with the model's; returns whether they agree. */
  compareOrder(what: string, order: ModelOrder, body: any): boolean {
    const diffs: string[] = [];
    const same = (field: string, server: unknown, model: unknown): void => {
      if (server !== model) diffs.push(`${field} server ${String(server)} model ${String(model)}`);
    };
    same('order_id', body?.order_id, order.orderId);
    same('account_id', body?.account_id, order.accountId);
    same('launch_id', body?.launch_id, order.launchId);
    same('model_id', body?.model_id, this.catalog(order.launchId).modelId);
    same('trim', body?.trim, order.trim);
    same('options', Array.isArray(body?.options) ? [...body.options].sort().join(',') : body?.options,
      order.options.join(','));
    same('city', body?.city, order.city);
    same('status', body?.status, order.status);
    same('price_fen', body?.price_fen, order.priceFen);
    same('deposit.amount_fen', body?.deposit?.amount_fen, order.depositFen);
    same('deposit.state', body?.deposit?.state, order.depositState);
    const queue = body?.queue ?? null;
    if (pastLock(order.status)) {
      same('queue.queue_key', queue?.queue_key, order.queueKey);
      same('queue.place', queue?.place, order.place);
    } else if (order.status === 'firm') {
      same('queue', queue, null);
    }
    return this.expect(diffs.length === 0, 'order_fields', () => `${what}: ${diffs.join('; ')}`);
  }

  /**
   * The orders the server holds for one account, as `GET /orders` returned them. With
   * `adoptUnknown` (an attempt of this account never got an answer, even after its retries) an
   * order the model does not know is taken as the outcome of that attempt instead of a violation.
   */
  finalOrders(accountId: string, serverOrders: readonly any[], modelIds: readonly string[],
    adoptUnknown: boolean): number {
    const seen = new Set<string>();
    let adopted = 0;
    for (const body of serverOrders) {
      seen.add(body.order_id);
      const order = this.orders.get(body.order_id);
      if (order === undefined && adoptUnknown) {
        this.adopt(accountId, body);
        adopted += 1;
        continue;
      }
      if (order !== undefined && this.uncertain.has(order.orderId)) {
        this.adoptState(order, body);
        adopted += 1;
        continue;
      }
      if (this.expect(order !== undefined, 'unknown_order',
        () => `account ${accountId}: server holds ${body.order_id}, which the model never made`)) {
        this.compareOrder(`final ${body.order_id}`, order!, body);
      }
    }
    for (const id of modelIds) {
      this.expect(seen.has(id), 'missing_order',
        () => `account ${accountId}: ${id} is missing from GET /orders`);
    }
    return adopted;
  }

  /** An action on `order` got no definite answer: the read-back will tell what happened. */
  markUncertain(order: ModelOrder): void {
    this.uncertain.add(order.orderId);
  }

  isUncertain(order: ModelOrder): boolean {
    return this.uncertain.has(order.orderId);
  }

  /** Takes the server's word for an order whose last action went unanswered. */
  private adoptState(order: ModelOrder, body: any): void {
    const queueKey = pastLock(body.status) ? body.queue?.queue_key ?? null : null;
    if (order.queueKey !== null && order.queueKey !== queueKey) this.leaveQueue(order);
    Object.assign(order, { launchId: body.launch_id, trim: body.trim,
      options: [...(body.options ?? [])].sort(), city: body.city, status: body.status,
      priceFen: body.price_fen, depositFen: body.deposit?.amount_fen,
      depositState: body.deposit?.state, queueKey, place: queueKey === null ? null
        : body.queue?.place ?? null });
    // When the lock happened is unknown: the place order cannot be checked for this one.
    order.queuedSentMs = -Infinity;
    order.queuedRepliedMs = Infinity;
  }

  private adopt(accountId: string, body: any): void {
    const order: ModelOrder = {
      orderId: body.order_id, accountId, launchId: body.launch_id, trim: body.trim,
      options: [...(body.options ?? [])].sort(), city: body.city, status: body.status,
      priceFen: body.price_fen, depositFen: body.deposit?.amount_fen,
      depositState: body.deposit?.state, queueKey: body.queue?.queue_key ?? null,
      place: body.queue?.place ?? null, queuedSentMs: -Infinity, queuedRepliedMs: Infinity,
    };
    this.orders.set(order.orderId, order);
  }

  private catalog(launchId: string): Catalog {
    const c = this.catalogs.get(launchId);
    if (c === undefined) throw new Error(`no catalogue for ${launchId}`);
    return c;
  }

  /**
   * Queue places: unique, from 1, with no more gaps than orders that left the queue, and in the
   * order the locks happened wherever that order is certain (one lock's reply came before the
   * other's request was sent). `baselineLocked` are locked orders that existed before the run.
   */
  checkQueues(baselineLocked: ReadonlyMap<string, number>): { queues: number; places: number } {
    const queues = new Map<string, ModelOrder[]>();
    for (const o of this.orders.values()) {
      if (!pastLock(o.status) || o.queueKey === null || o.place === null) continue;
      const list = queues.get(o.queueKey) ?? [];
      list.push(o);
      queues.set(o.queueKey, list);
    }
    let places = 0;
    for (const [key, list] of queues) {
      places += list.length;
      list.sort((a, b) => a.place! - b.place!);
      for (let i = 1; i < list.length; i++) {
        this.expect(list[i]!.place !== list[i - 1]!.place, 'queue',
          () => `${key}: place ${list[i]!.place} held by ${list[i - 1]!.orderId} and ${list[i]!.orderId}`);
      }
      const launchId = key.split('/')[0]!;
      if ((baselineLocked.get(launchId) ?? 0) === 0) {
        const allowed = list.length + (this.departures.get(key) ?? 0);
        const max = list[list.length - 1]!.place!;
        this.expect(list[0]!.place! >= 1 && max <= allowed, 'queue',
          () => `${key}: places run to ${max} for ${list.length} orders and ` +
            `${this.departures.get(key) ?? 0} departures (a gap no departure explains)`);
      }
      // Suffix minimum of reply times: no later place may belong to a lock that finished before
      // an earlier place's lock was even sent.
      let minReplied = Infinity;
      let minOrder: ModelOrder | null = null;
      for (let i = list.length - 1; i >= 0; i--) {
        const o = list[i]!;
        if (minOrder !== null) {
          const after = minOrder;
          this.expect(minReplied >= o.queuedSentMs, 'queue_order',
            () => `${key}: ${after.orderId} locked before ${o.orderId} was sent but has place ` +
              `${after.place} behind ${o.place}`);
        }
        if (o.queuedRepliedMs < minReplied) {
          minReplied = o.queuedRepliedMs;
          minOrder = o;
        }
      }
    }
    return { queues: queues.size, places };
  }

  /** The model's statistics for a launch: the server's figures before the run plus ours. */
  expectedStats(launchId: string, baseline: any): Record<string, number> {
    const s = flattenStats(baseline);
    const add = (path: string, n: number): void => {
      s[path] = (s[path] ?? 0) + n;
    };
    for (const o of this.orders.values()) {
      if (o.launchId !== launchId) continue;
      add(`orders.${o.status}`, 1);
      add('orders.total', 1);
      add(`by_trim.${o.trim}.${o.status}`, 1);
      add(`by_city.${o.city}.${o.status}`, 1);
      add('deposits_fen.received', o.depositFen);
      add(`deposits_fen.${o.depositState}`, o.depositFen);
      if (o.status !== 'cancelled') add('potential_revenue_fen', o.priceFen);
    }
    return s;
  }

  /** Compares `GET /launches/{id}/stats` with the model; returns the differences. */
  compareStats(launchId: string, server: any, baseline: any): string[] {
    const expected = this.expectedStats(launchId, baseline);
    const actual = flattenStats(server);
    const diffs: string[] = [];
    for (const path of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const e = expected[path] ?? 0;
      const a = actual[path] ?? 0;
      if (e !== a) diffs.push(`${launchId} ${path}: server ${a}, model ${e}`);
    }
    const d = actual;
    const sum = (d['deposits_fen.held'] ?? 0) + (d['deposits_fen.refunded'] ?? 0) +
      (d['deposits_fen.forfeited'] ?? 0) + (d['deposits_fen.applied'] ?? 0);
    if (sum !== (d['deposits_fen.received'] ?? 0)) {
      diffs.push(`${launchId} deposits_fen: received ${d['deposits_fen.received']} but ` +
        `held+refunded+forfeited+applied = ${sum}`);
    }
    // The reported basis: every order taken x the launch's deposit, x its lowest list price.
    const r = server?.reported_basis;
    const catalog = this.catalog(launchId);
    const n = d['orders.total'] ?? 0;
    const basePriceFen = Math.min(...catalog.trims.map((t) => t.priceFen));
    const want = { orders: n, deposit_fen: catalog.depositFen, base_price_fen: basePriceFen,
      deposits_fen: n * catalog.depositFen, potential_revenue_fen: n * basePriceFen };
    for (const [k, v] of Object.entries(want)) {
      if (r?.[k] !== v) diffs.push(`${launchId} reported_basis.${k}: server ${r?.[k]}, model ${v}`);
    }
    return diffs.sort();
  }
}

const STATUSES = ['firm', 'locked', 'cancelled'] as const;
const DEPOSIT_FIELDS = ['received', 'held', 'refunded', 'forfeited', 'applied'] as const;

/** The contract's fields of a stats object as `path -> number`; absent counts are zero. */
export function flattenStats(stats: any): Record<string, number> {
  const out: Record<string, number> = {};
  if (stats == null) return out;
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
  for (const k of [...STATUSES, 'total'] as const) out[`orders.${k}`] = num(stats.orders?.[k]);
  for (const group of ['by_trim', 'by_city'] as const) {
    for (const [name, counts] of Object.entries(stats[group] ?? {})) {
      for (const k of STATUSES) {
        const v = num((counts as any)?.[k]);
        if (v !== 0) out[`${group}.${name}.${k}`] = v;
      }
    }
  }
  for (const k of DEPOSIT_FIELDS) out[`deposits_fen.${k}`] = num(stats.deposits_fen?.[k]);
  out.potential_revenue_fen = num(stats.potential_revenue_fen);
  return out;
}

function describe(reply: AuditedReply): string {
  return reply.code !== null ? `${reply.status} ${reply.code} "${reply.body?.error?.message}"`
    : `${reply.status} ${JSON.stringify(reply.body)?.slice(0, 160)}`;
}
