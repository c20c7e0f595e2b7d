// Drops' part of the storage port: drops and their variants' stock, holds, and the waitlist.
// Both adapters implement it (drops-sqlite.ts, drops-postgres.ts) and pass its contract
// (drops-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these
// methods by declaration merging.
import type {
  Drop, Hold, Holding, HoldStatus, SettleAsked, SettleVerdict, VariantStock, WaitlistEntry,
  EntryStatus,
} from './drop.js';


/** An operator's cancel of a hold as its audit entry recorded it (DropsReads.revokesOf). */
export interface HoldRevoke {
  readonly reason: string;
  /** The refund queued (a paid sale's amount), 0 for a hold cancelled before payment. */
  readonly refundFen: number;
  readonly atMs: number;
}

/** Reads a `drop_hold_cancelled` audit entry's detail (JSON text) and time. */
export function revokeOfEntry(detail: string, atMs: number): [string, HoldRevoke] {
  const d = JSON.parse(detail) as { hold_id: string; reason?: string; refund_fen?: number };
  return [d.hold_id, { reason: d.reason ?? '', refundFen: d.refund_fen ?? 0, atMs }];
}
/** Units moved between a variant's three states, all in one conditional update. */
export interface StockMove {
  readonly dropId: string;
  readonly variant: string;
  readonly available: number;
  readonly held: number;
  readonly sold: number;
}

/** What a hold batch reads once it holds its drops' lock, in one statement (readUnderLock). */
export interface UnderLockRead {
  readonly stock: VariantStock[];
  /** Held holds past their deadline, earliest first, at most `dueLimit`. */
  readonly due: Hold[];
  /** The holds taken with the idempotency keys asked about. */
  readonly known: Hold[];
  /** Units counting to the limits (LIMITED) per `dropId\u0000accountId` (none: absent). */
  readonly accountUnits: Map<string, number>;
  /** Units counting to the limits per `dropId\u0000identityKey` (none: absent). */
  readonly identityUnits: Map<string, number>;
  /** The holds asked for by id (`UnderLockQuery.holdIds`), in no order; absent ones left out. */
  readonly holds: Hold[];
}

/** What readUnderLock is asked: the drops, the time, and the batch's keys and buyers. */
export interface UnderLockQuery {
  readonly dropIds: readonly string[];
  readonly nowMs: number;
  readonly dueLimit: number;
  readonly refs: ReadonlyArray<{ accountId: string; key: string }>;
  readonly accounts: ReadonlyArray<{ dropId: string; id: string }>;
  readonly identities: ReadonlyArray<{ dropId: string; id: string }>;
  /** Holds to read as they are under the lock (a settle batch's); none when absent. */
  readonly holdIds?: readonly string[];
}

/**
 * What a batch writes at its COMMIT (writeAtCommit): holds to insert, stock moves, and holds to
 * mark paid. Each move applies only if it leaves every count at zero or above, and each paid
 * hold only if it is still held; if any does not, the COMMIT fails and nothing of the
 * transaction is written.
 */
export interface CommitWrite {
  readonly holds: readonly Hold[];
  readonly moves: readonly StockMove[];
  readonly paid: { readonly holdIds: readonly string[]; readonly atMs: number } | null;
  /** Variants sold for good by this batch: their waiting entries close (closeWaiting). */
  readonly closeLines?: ReadonlyArray<{ readonly dropId: string; readonly variant: string }>;
}

/**
 * A buyer's purchase as a hold batch decides it: which units, whose (account and identity, for
 * the limits), under which Idempotency-Key and the hash of the request it named.
 */
export interface PurchaseAsked {
  readonly dropId: string;
  readonly variant: string;
  readonly quantity: number;
  readonly accountId: string;
  readonly identityKey: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
}

/**
 * One purchase for takeHoldsAtCommit, in arrival order, with the hold's id and deadline chosen
 * beforehand (used only if the hold is taken).
 */
export interface TakeHoldRequest extends PurchaseAsked {
  readonly holdId: string;
  readonly expiresAtMs: number;
}

/**
 * The database's decision on one purchase (takeHoldsAtCommit), with the figures it decided
 * from. `verdict`: `held` (taken), `replay` / `key_reused` (`prior`: the hold its key took),
 * `drop_not_found`, or decideHold's refusal code (`drop_not_open`, `unknown_variant`,
 * `drop_limit_reached`, `drop_sold_out`); `again`: nothing was decided, a hold of the drop is
 * past due (the batch must run under the lock in JS). `drop`: the drop as locked, on the first
 * row of each drop that reached decideHold. `accountUnits`, `identityUnits`: units counting
 * to the limits (LIMITED) that decideHold counted; `available`, `held`: the variant's stock
 * before this purchase.
 */
export interface TakenHoldRow {
  readonly verdict: 'held' | 'replay' | 'key_reused' | 'drop_not_found' | 'drop_not_open'
    | 'unknown_variant' | 'drop_limit_reached' | 'drop_sold_out' | 'again';
  readonly prior: Hold | null;
  readonly drop: Drop | null;
  readonly accountUnits: number;
  readonly identityUnits: number;
  readonly available: number;
  readonly held: number;
}

/** One settle for settleHoldsAtCommit, in arrival order (SettleAsked and the hold it names). */
export interface SettleHoldRequest extends SettleAsked {
  readonly holdId: string;
}

/**
 * The database's decision on one settle (settleHoldsAtCommit): settleVerdict's verdict, or
 * `again` (nothing was decided: a hold of the drop is past due, or a decline or cancel would
 * return units someone waits for; the batch must run under the lock in JS). `hold`: the hold
 * as the command found it (before it ended), null when not found or `again`.
 */
export interface SettledHoldRow {
  readonly verdict: SettleVerdict | 'again';
  readonly hold: Hold | null;
}

/** Drops' reads and writes inside one transaction (see StoreTx). */
export interface DropsTx {
  /**
   * Locks the drops until commit and returns them (missing ids are left out). Every write to a
   * drop's stock, holds or waitlist takes this first, in sorted order, so the writes of one drop
   * are serialised across processes and its limits counted in a transaction hold. Ids sorted
   * and distinct.
   */
  lockDrops(dropIds: readonly string[]): Promise<Drop[]>;
  /** The drops as committed, without locking them (missing ids are left out). */
  dropsById(dropIds: readonly string[]): Promise<Drop[]>;
  /** Creates the drop, or replaces its definition and its variants' stock (before opening). */
  putDrop(drop: Drop): Promise<void>;
  /** Whether any hold was ever taken on the drop (its definition is then fixed). */
  dropHasHolds(dropId: string): Promise<boolean>;
  stock(dropIds: readonly string[]): Promise<VariantStock[]>;
  /**
   * Applies a move if it leaves every count at zero or above, in one conditional UPDATE (never
   * read-then-write); false when it would not, and then nothing changed.
   */
  moveStock(move: StockMove): Promise<boolean>;
  holdsByIdempotency(refs: ReadonlyArray<{ accountId: string; key: string }>): Promise<Hold[]>;
  /**
   * Units counting against the limits (drop.ts LIMITED: held, bought, revoked) in the drop per
   * account (accounts with none are absent).
   */
  unitsByAccount(dropId: string, accountIds: readonly string[]): Promise<Map<string, number>>;
  /** As unitsByAccount, per identity key (keys with none are absent). */
  unitsByIdentity(dropId: string, keys: readonly string[]): Promise<Map<string, number>>;
  insertHolds(holds: readonly Hold[]): Promise<void>;
  /** The holds by id, as they are now in this transaction. */
  holds(holdIds: readonly string[]): Promise<Hold[]>;
  /** Sets a held hold's end; false if it was no longer held (nothing changed). */
  settleHold(holdId: string, status: Exclude<HoldStatus, 'held'>, atMs: number):
    Promise<boolean>;
  /**
   * Ends a paid hold as `revoked` at `atMs` (an operator's cancel of a sale, refunded:
   * drop-revoke.ts); false if it was not paid (nothing changed). The stock is the caller's to
   * move, under the drop's lock.
   */
  unsellHold(holdId: string, atMs: number): Promise<boolean>;
  /**
   * `settleHold` for many holds at once, one conditional update (`status = 'held'`), no read
   * first: returns the ids of those that were held (and are now settled), in the order given.
   * Ids distinct.
   */
  settleHolds(holdIds: readonly string[], status: Exclude<HoldStatus, 'held'>, atMs: number):
    Promise<string[]>;
  /** Held holds of these drops whose deadline is at or before `nowMs`, earliest first. */
  dueHolds(dropIds: readonly string[], nowMs: number, limit: number): Promise<Hold[]>;
  /** Drops that have held holds past their deadline (read without locking). */
  dropsWithDueHolds(nowMs: number, limit: number): Promise<string[]>;
  /** Waiting entries of a variant in line order, the first `limit`. */
  waitingEntries(dropId: string, variant: string, limit: number): Promise<WaitlistEntry[]>;
  /** Waiting entries of the drop (all variants). */
  waitingCount(dropId: string): Promise<number>;
  /** An account's entry for the variant that is still waiting or offered, if any. */
  openEntry(dropId: string, variant: string, accountId: string): Promise<WaitlistEntry | null>;
  /** The next place in the drop's line (1 for the first). */
  nextEntrySeq(dropId: string): Promise<number>;
  insertEntry(entry: WaitlistEntry): Promise<void>;
  setEntry(entryId: string, status: EntryStatus, holdId: string | null): Promise<void>;
  /**
   * Closes every waiting entry of the variant (status `closed`), one UPDATE; returns how many.
   * For a variant sold for good, under the drop's lock: no unit can come back to offer them.
   */
  closeWaiting(dropId: string, variant: string): Promise<number>;
  /**
   * Reopens every `closed` entry of the variant (back to `waiting`, keeping its place `seq`),
   * one UPDATE; returns how many. For a variant whose sell-out an operator's cancel of a sale
   * undid, under the drop's lock, in the cancel's transaction: the units it puts back go down
   * the line to those the sell-out closed before any goes back on sale (drop-revoke.ts).
   * The entries of `exceptAccounts` stay closed: the accounts whose sales the cancel takes back
   * (a flagged cluster's), which would otherwise be offered the very unit taken from them (the
   * third attacker's finding).
   */
  reopenClosed(dropId: string, variant: string, exceptAccounts: readonly string[]):
    Promise<number>;
  /**
   * Optional: `stock`, `dueHolds`, `holdsByIdempotency`, `unitsByAccount` and `unitsByIdentity`
   * in one statement, after `lockDrops`. PostgreSQL offers it: each of its statements waits for
   * the API process's event loop while the drop's row lock is held, so the other process's
   * batches wait for every one (docs/benchmarks.md, session 14). SQLite's writer thread runs its
   * statements without that wait and reads them one by one.
   */
  readUnderLock?(q: UnderLockQuery): Promise<UnderLockRead>;
  /**
   * Optional, as readUnderLock: `insertHolds` and a `moveStock` per move in one statement;
   * returns how many moves applied (each applies only if it leaves every count at zero or
   * above; the holds are inserted whatever it returns, so a caller asserts it, failing the
   * transaction).
   */
  insertHoldsAndMove?(holds: readonly Hold[], moves: readonly StockMove[]): Promise<number>;
  /**
   * Optional, as readUnderLock: `lockDrops` and then `readUnderLock`, two statements sent in one
   * round trip (the read is a statement of its own, begun once the lock is granted, so it sees
   * what the lock's previous holder committed). The lock is then held across one event-loop
   * turn of this process, not two.
   */
  lockAndRead?(q: UnderLockQuery): Promise<{ drops: Drop[]; read: UnderLockRead }>;
  /**
   * Optional, as readUnderLock: holds `w` back and writes it with the COMMIT, in the COMMIT's
   * round trip, so that the drop's lock is never held while this process's event loop is busy
   * between the last write and the COMMIT. Sends nothing now. Its conditions are checked in the
   * statement (CommitWrite); one that fails fails the COMMIT, and the batch then runs again
   * command by command. Called at most once per transaction.
   */
  writeAtCommit?(w: CommitWrite): void;
  /**
   * Optional (PostgreSQL): decides a batch of purchases in the database, in arrival order, in
   * one statement sent with the COMMIT (drop_take_holds, migration 19): it locks the drops,
   * decides each by dropHold's rules, inserts the holds and moves the stock, so the lock is
   * taken and released with no event-loop turn of this process while it is held. Sends
   * nothing now; the function returned gives one row per request once the COMMIT succeeded
   * (it throws before). Texts must hold no NUL (the simple protocol).
   */
  takeHoldsAtCommit?(cmds: readonly TakeHoldRequest[], nowMs: number): () => TakenHoldRow[];
  /**
   * Optional (PostgreSQL), as takeHoldsAtCommit for settles (drop_settle_holds, migration 21):
   * locks the drops, ends each held hold as asked (settleVerdict's rule) in arrival order, moves
   * the stock, marks waitlist entries bought or lapsed and closes the lines of variants sold
   * for good, all in one statement sent with the COMMIT. The function returned gives one row
   * per request once the COMMIT succeeded (it throws before). Texts must hold no NUL.
   */
  settleHoldsAtCommit?(cmds: readonly SettleHoldRequest[], nowMs: number):
    () => SettledHoldRow[];
}

/** Drops' reads of committed data (see Store). */
export interface DropsReads {
  drop(dropId: string): Promise<Drop | null>;
  drops(): Promise<Drop[]>;
  dropStock(dropId: string): Promise<VariantStock[]>;
  /** Whether the drop has a held hold whose deadline is at or before `nowMs`. */
  hasDueHolds(dropId: string, nowMs: number): Promise<boolean>;
  /** Waiting entries per variant of the drop. */
  waitingByVariant(dropId: string): Promise<Map<string, number>>;
  hold(holdId: string): Promise<Hold | null>;
  holdByIdempotency(accountId: string, key: string): Promise<Hold | null>;
  holdByReference(reference: string): Promise<Hold | null>;
  /**
   * Units counting against the drop's limits (LIMITED: held, paid, revoked): the account's, and
   * every account's under `identityKey`. Read outside a transaction: advice for a waiting
   * room's join (the composition's targetAtLimit), not the count a purchase is decided by,
   * which is taken under the drop's lock.
   */
  holding(dropId: string, accountId: string, identityKey: string): Promise<Holding>;
  /** An account's holds of a drop, newest first, at most `limit`. */
  holdsOf(dropId: string, accountId: string, limit: number): Promise<Hold[]>;
  /** An account's waitlist entries of a drop, each with the entries waiting ahead of it. */
  entriesOf(dropId: string, accountId: string):
    Promise<Array<{ entry: WaitlistEntry; ahead: number }>>;
  /**
   * The operator's cancels (drop-revoke.ts) of those of `holdIds` an operator cancelled: the
   * reason, refund and time each audit entry (`drop_hold_cancelled`) recorded, by hold id. The
   * buyer is shown them (the new user's find 9: the reason was in the audit log only).
   */
  revokesOf(holdIds: readonly string[]): Promise<Map<string, HoldRevoke>>;
  /** Holds ever taken on the drop, whatever their status (offers too). */
  holdCount(dropId: string): Promise<number>;
  /** Every hold of a drop, for auditors and the model test (bounded by `limit`). */
  holdsOfDrop(dropId: string, limit: number): Promise<Hold[]>;
  /** Every waitlist entry of a drop in line order, for auditors (bounded by `limit`). */
  entriesOfDrop(dropId: string, limit: number): Promise<WaitlistEntry[]>;
}

declare module '../kernel/store/store.js' {
  interface StoreTx extends DropsTx {}
  interface Store extends DropsReads {}
}
