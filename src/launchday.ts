// The application: the capabilities' services composed over the kernel's Core, and nothing
// else. Each use case lives in its capability's service (`app.orders.place(...)`,
// `app.accounts.register(...)`, `app.launches.putLaunch(...)`, `app.payments.sendPayments()`,
// `app.settlement.receivePaymentNotification(...)`); this facade builds them in dependency order
// and passes the kernel's shared parts (group commit, store health, rate limits, the audit log)
// through for the HTTP shell (kernel/http/route.ts, KernelApp). HTTP is a thin shell over it
// (kernel/http/http-app.ts); tests drive it directly or through HTTP.
import { systemClock, type Clock } from './kernel/clock.js';
import type { Limits, RateLimitMode } from './kernel/config.js';
import { Core } from './kernel/core.js';
import { newId } from './kernel/ids.js';
import type { KernelApp } from './kernel/http/route.js';
import type { Refusal } from './kernel/outcomes.js';
import { RoomNotices } from './kernel/room-notice.js';
import type { Store } from './kernel/store/store.js';
import {
  AccountsService, type Caller, type Caller as AccountsCaller, type SmsSender,
} from './accounts/index.js';
import { DeliveriesService } from './deliveries/index.js';
import { DropsService } from './drops/index.js';
import { LaunchesService, LiveHub } from './launches/index.js';
import { NotificationsService, type MessageProvider } from './notifications/index.js';
import { LiveFrames, OrdersService, SettlementService } from './orders/index.js';
import { PaymentsService, type PaymentProvider } from './payments/index.js';
import { PricebooksService } from './pricebooks/index.js';
import { ProductionService } from './production/index.js';
import { ScalpersService } from './scalpers/index.js';
import type { ClientEvent } from './kernel/http/client-signals.js';
import { WaitingRoomsService } from './waiting-rooms/index.js';
import { writeComposition, type BatchHandlers } from './stores.js';

export type { Caller } from './accounts/index.js';
export type { PlaceInput } from './orders/index.js';

declare module './kernel/http/route.js' {
  interface HttpTypes {
    app: Launchday;
    caller: AccountsCaller;
  }
}

export interface LaunchdayDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly payments: PaymentProvider;
  readonly sms: SmsSender;
  /** Carries messages to buyers (notifications' provider port). */
  readonly messages: MessageProvider;
  readonly limits: Limits;
  /** Shared with the payment provider: signs its notifications. */
  readonly paymentSecret: string;
  /** Signs waiting-room tickets and passes; a random one per process when absent (tests). */
  readonly waitingRoomSecret?: string;
  /**
   * Shown in the reply to a code request: only in the development setting
   * (LAUNCHDAY_DEV_SHOW_CODES=on) with the sandbox SMS sender.
   */
  readonly showCodes: boolean;
  /** Which rate limits apply (config.ts); all when absent. */
  readonly rateLimitMode?: RateLimitMode;
  /**
   * The clock of the rate limits: real time even when launch night runs on a simulated clock
   * (abuse comes at real speed); a test passes its own to move the windows.
   */
  readonly rateClock?: Clock;
  readonly log?: (line: string) => void;
}

/** Midnight in Beijing of a `YYYY-MM-DD` date, in ms (production's windows are Beijing dates). */
const beijingDayMs = (date: string): number => Date.parse(`${date}T00:00:00+08:00`);

export class Launchday implements KernelApp {
  /** The kernel's shared parts: group commit, the writer thread, store health, rate limits. */
  readonly core: Core<BatchHandlers>;
  readonly accounts: AccountsService;
  readonly launches: LaunchesService;
  readonly payments: PaymentsService;
  readonly orders: OrdersService;
  readonly settlement: SettlementService;
  readonly production: ProductionService;
  readonly notifications: NotificationsService;
  readonly drops: DropsService;
  /** From a car allocated to the keys handed over: balance, deadline, appointments. */
  readonly deliveries: DeliveriesService;
  /** Signals of registrations, orders and drop holds; the suspicious-pattern report. */
  readonly scalpers: ScalpersService;
  /** Price versions and protection, ready-stock sales, the books. */
  readonly pricebooks: PricebooksService;
  readonly waitingRooms: WaitingRoomsService;
  /** The room in front of each launch and drop, as their public figures tell it. */
  readonly roomNotices: RoomNotices;
  /** Live figures of each launch, for its viewers (launches/live-hub.ts). */
  readonly live: LiveHub;

  constructor(readonly deps: LaunchdayDeps) {
    this.core = new Core(deps, writeComposition);
    this.accounts = new AccountsService(deps, this.core.submit, this.core.writeInBatch);
    this.launches = new LaunchesService(deps);
    this.payments = new PaymentsService(deps);
    this.orders = new OrdersService(deps, this.core.committer, this.core.submit, this.launches,
      this.payments);
    this.settlement = new SettlementService(deps);
    this.production = new ProductionService(deps, this.launches,
      { write: this.core.writeInBatch });
    // Orders' estimates come from the plan where one covers the trim (orders' EstimateSource).
    this.orders.estimates = this.production;
    this.orders.vehicles = this.production;
    this.notifications = new NotificationsService({ store: deps.store, clock: deps.clock,
      limits: deps.limits, provider: deps.messages });
    // Production's moves and allocations reach their buyers as messages queued in the same
    // transaction as the re-plan or the production run: one per moved estimate (keyed by the
    // re-plan), one per allocated car.
    this.production.onEstimatesMoved = (tx, changes) => tx.enqueueNotifications(
      changes.map((c) => ({ key: `estimate_moved:${c.replanId}:${c.orderId}`,
        accountId: c.accountId, orderId: c.orderId, kind: 'estimate_moved' as const,
        params: { order_id: c.orderId, weeks_moved: c.weeksMoved,
          window_start_ms: beijingDayMs(c.newFrom), window_end_ms: beijingDayMs(c.newTo) } })),
      changes[0]?.atMs ?? deps.clock.nowMs()).then(() => undefined);
    this.production.onCarsAllocated = async (tx, allocated, atMs) => {
      await tx.enqueueNotifications(allocated.map((a) => ({ key: `order_scheduled:${a.orderId}`,
        accountId: a.accountId, orderId: a.orderId, kind: 'order_scheduled' as const,
        params: { order_id: a.orderId, vin: a.vin } })), atMs);
      // Each allocated car opens (or reopens) the order's delivery record in the same commit.
      await this.deliveries.onCarsAllocated(tx, allocated, atMs);
    };
    this.drops = new DropsService(deps, this.core.submit);
    this.deliveries = new DeliveriesService({ ...deps, production: this.production });
    // A deferral passes its order over in every allocation until it ends.
    this.production.heldBack = (tx, atMs) => this.deliveries.heldBack(tx, atMs);
    this.orders.deliveries = this.deliveries;
    // A drop's charges are held by its holds, not by orders: the reconciler asks drops too.
    this.settlement.reconciler.otherHolders.push((reference) => this.drops.holdsCharge(reference));
    // A drop's refunds are settled by the same outbox; each is recorded as the drop's, not as
    // an order event under a hold's id.
    this.settlement.reconciler.refundOwners.push((tx, refund) =>
      this.drops.refundSettled(tx, refund));
    // The timer's flush of signals waits while the group commit is busy (the buyers' writes).
    this.scalpers = new ScalpersService({ store: deps.store, clock: deps.clock,
      limits: deps.limits, ...(deps.log ? { log: deps.log } : {}),
      writerBusy: () => this.core.committer.busy }, this.orders, this.launches,
      this.core.submit, this.drops);
    this.pricebooks = new PricebooksService(deps, this.launches);
    // Deliveries' money and price protection joined here (neither imports the other): a car
    // allocated after a credit is charged the lower price; a credit after it lowers the
    // balance and refunds what was paid beyond it; every move of deliveries' money reaches the
    // ledger in its own transaction.
    this.deliveries.creditsOf = async (tx, orderIds) => {
      const credits = new Map<string, number>();
      for (const p of await tx.protectionsTx(orderIds)) {
        if (p.kind !== 'credit') continue;
        credits.set(p.orderId, (credits.get(p.orderId) ?? 0) + p.amountFen);
      }
      return credits;
    };
    this.deliveries.onLedger = async (tx, moves) => {
      const trims = await tx.bookedTrims([...new Set(moves.map((m) => m.orderId))]);
      await tx.appendLedger(moves.map((m) => ({ ...m, trim: trims.get(m.orderId) ?? '',
        priceVersion: null })));
    };
    this.pricebooks.link = {
      lock: (tx, orderIds) => this.deliveries.lockRecords(tx, orderIds),
      credited: (tx, credits, atMs) => this.deliveries.applyCredits(tx, credits, atMs),
    };
    // Ready-stock sales hold their charges too: the reconciler voids none a sale holds.
    this.settlement.reconciler.otherHolders.push(
      (reference) => this.pricebooks.holdsCharge(reference));
    // So do balance parts paid by a charge (a provider without collect).
    this.settlement.reconciler.otherHolders.push(
      (reference) => this.deliveries.holdsCharge(reference));
    // A lapsed ready-stock deposit's refund is the sale's (its id is no order's), and a balance
    // refund is deliveries' money: each is recorded by its owner, never as an order event.
    this.settlement.reconciler.refundOwners.push(
      (tx, refund) => this.pricebooks.refundSettled(tx, refund),
      (tx, refund) => this.deliveries.refundSettled(tx, refund));
    this.waitingRooms = new WaitingRoomsService({ store: deps.store, clock: deps.clock,
      limits: deps.limits, waitingRoomSecret: deps.waitingRoomSecret ?? newId('ldwr'),
      queueDelayMs: () => this.core.committer.queueDelayMs,
      perAddressLimits: (deps.rateLimitMode ?? 'on') === 'on',
      pollClock: deps.rateClock ?? systemClock, write: this.core.writeInBatch,
      writeUnlessBusy: this.core.writeInBatchUnlessBusy,
      admit: (command) => this.core.committer.submit('admitRoom', command, true) });
    // A launch's orders and a drop's purchases need a pass while a room is on in front of them.
    // A room opens when its target does: checked as the room is written (the target's row
    // locked), and a target's opening moves the room with it (or is refused) as it is written.
    this.waitingRooms.targetOpening = async (scope, id, tx) => (scope === 'launch'
      ? (await tx.lockLaunch(id))?.opensAtMs
      : (await tx.lockDrops([id]))[0]?.opensAtMs) ?? null;
    this.drops.openingSet = (tx, id, opensAtMs, actor) => this.waitingRooms.followOpening(tx,
      'drop', id, opensAtMs, actor);
    this.launches.openingSet = (tx, id, opensAtMs, actor) => this.waitingRooms.followOpening(tx,
      'launch', id, opensAtMs, actor);
    // A launch takes orders until it closes; a drop sold for good can sell nothing more.
    this.waitingRooms.targetSoldOut = async (scope, id) => scope === 'drop'
      && this.drops.soldForGood(id);
    // A signed-in buyer at the target's limit gets no place: its pass could buy nothing.
    this.waitingRooms.targetAtLimit = (scope, id, accountId) => (scope === 'drop'
      ? this.drops.limitReached(id, accountId) : this.orders.limitReached(id, accountId));
    this.orders.admission = this.waitingRooms.gate('launch');
    this.drops.admission = this.waitingRooms.gate('drop');
    // Told before the opening from the same copy of the rooms the gate reads: no read of its own.
    this.roomNotices = new RoomNotices(() => this.waitingRooms.rooms());
    // Frames from stored data (orders/live-frames.ts): every process serves the same figures.
    const frames = new LiveFrames(this.launches, this.orders, deps.clock);
    this.live = new LiveHub((launchId) => frames.frame(launchId), deps.limits.liveViewersMax,
      deps.limits.liveStalledFramesMax);
  }

  // ---------- the kernel's parts, for the HTTP shell and the entry point ----------

  get clock(): Clock {
    return this.core.clock;
  }

  get committer(): Core<BatchHandlers>['committer'] {
    return this.core.committer;
  }

  get storeHealth(): Core<BatchHandlers>['storeHealth'] {
    return this.core.storeHealth;
  }

  get rateLimits(): Core<BatchHandlers>['rateLimits'] {
    return this.core.rateLimits;
  }

  /** Settles if nothing can be written any more (Core.broken). */
  get broken(): Promise<Error> {
    return this.core.broken;
  }

  get brokenBecause(): Error | null {
    return this.core.brokenBecause;
  }

  /** For tests that play a dead writer thread. */
  set brokenBecause(err: Error | null) {
    this.core.brokenBecause = err;
  }

  /** True from the moment the process starts to close: readiness says 503 from then on. */
  get closing(): boolean {
    return this.core.closing;
  }

  beginClosing(): void {
    this.core.beginClosing();
  }

  refusalFor(err: unknown): Refusal | null {
    return this.core.refusalFor(err);
  }

  /** Who a bearer token stands for (accounts' sessions): the HTTP shell's one question. */
  authenticate(token: string): Promise<Caller | null> {
    return this.accounts.authenticate(token);
  }

  /**
   * Keeps what a request told about its client (device, network, payment source) with the
   * account, order or hold it made, for the suspicious-pattern report (scalpers/). Never waits.
   */
  observe(event: ClientEvent): void {
    this.scalpers.record(event);
  }

  audit(actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    return this.core.audit(actor, action, detail);
  }

  /** Waits for the commits under way and stops the writer thread; the store stays open. */
  async close(): Promise<void> {
    this.core.beginClosing();
    await this.accounts.sessions.codesIssued();
    await this.accounts.sessions.flushTouches();
    await this.production.flushShown().catch(() => undefined);
    await this.production.close().catch(() => undefined);
    await this.notifications.drain();
    await this.scalpers.flush().catch(() => undefined);
    await this.waitingRooms.flushTouches().catch(() => undefined);
    await this.core.close();
  }
}
