// The write side of drops: batch handlers that run inside a group-commit transaction, like
// orders' (orders/order-commands.ts). Each first locks the drops it touches (sorted), returns
// the units of holds past their deadline (to the waitlist first, then to sale), then decides
// each command in arrival order with the pure rules (drop.ts); on PostgreSQL a hold batch is
// decided by the same rules inside the database instead (holdsAtCommit, drop_take_holds). Stock moves are conditional
// UPDATEs under that lock, and a CHECK in the table refuses an oversell whatever happens.
// An expected refusal is a result, never an exception, so it cannot fail the batch-mates.
import { strict as assert } from 'node:assert';
import { newTimeOrderedId } from '../kernel/ids.js';
import { ok, refuse, type Result } from '../kernel/outcomes.js';
import type { StoreTx } from '../kernel/store/store.js';
import { AtCommit, type BatchHandler } from '../kernel/write/group-committer.js';
import type {
  CommitWrite, PurchaseAsked, StockMove, TakenHoldRow, UnderLockRead,
} from './drops-store.js';
import {
  amountFen, decideHold, dropPaymentReference, samePurchase, settleResult, settleVerdict,
  unknownVariant, type Drop, type Hold, type SettleOutcome, type VariantStock, type WaitlistEntry,
} from './drop.js';

/** How long holds and offers last; from the Limits table, carried by each command. */
/**
 * The refusal of a purchase whose Idempotency-Key named another purchase of the account: keys
 * are the account's, across its drops (`UNIQUE (account_id, idempotency_key)`), as an order's
 * are; the message said "in this drop" of a key used in another (a reviewer's find).
 */
export const dropKeyReused = () => refuse('idempotency_key_reused', 'This Idempotency-Key was '
  + 'already used for another purchase of this account (in this drop with another variant, '
  + 'quantity or delivery address, or in another drop); use a new key for each purchase.');

export interface HoldTimes {
  /** A buyer's hold while the payment completes (Limits.dropHoldSeconds), in ms. */
  readonly holdMs: number;
  /** A waitlist offer's deadline to pay (Limits.dropOfferSeconds), in ms. */
  readonly offerMs: number;
}

/** A purchase's hold as submitted to the dropHold batch (DropsService.hold). */
export interface HoldCommand extends PurchaseAsked {
  readonly times: HoldTimes;
  /**
   * Decide under the lock in JS even where the store could decide in the database
   * (takeHoldsAtCommit): set when the database answered HOLD_AGAIN (a hold past due).
   */
  readonly underLock?: boolean;
}

/**
 * dropHold's or dropSettle's answer when the database decided nothing (a hold of the drop was
 * past due, or a settle would return units someone waits for: the JS path offers them down the
 * waitlist): the caller submits the command again with `underLock`. Never returned to a buyer.
 */
export const HOLD_AGAIN = 'again' as const;

/** A hold taken, or the one taken before with the same key (`replay`). */
export interface HoldOutcome {
  readonly hold: Hold;
  readonly replay: boolean;
}

export interface SettleCommand {
  readonly dropId: string;
  readonly holdId: string;
  /** The buyer acting; null for the system (a declined payment seen by the service). */
  readonly accountId: string | null;
  /** `paid`: the charge was approved; `failed`: declined; `cancelled`: the buyer let it go. */
  readonly outcome: SettleOutcome;
  readonly times: HoldTimes;
  /**
   * The hold as the caller last read or committed it, when it has it (a payment's): its fields
   * other than status and settledAtMs never change, so the batch settles it by a conditional
   * update without reading it first. Without it (a cancel) the batch reads the hold.
   */
  readonly hold?: Hold;
  /**
   * Decide under the lock in JS even where the store could decide in the database
   * (settleHoldsAtCommit): set when the database answered HOLD_AGAIN.
   */
  readonly underLock?: boolean;
}

export interface JoinCommand {
  readonly dropId: string;
  readonly variant: string;
  readonly accountId: string;
  readonly identityKey: string;
  /** Entries a drop's waitlist takes at most (Limits.dropWaitlistMax). */
  readonly waitlistMax: number;
  readonly times: HoldTimes;
}

/** A place on the waitlist, with the entries waiting ahead of it. */
export interface JoinOutcome {
  readonly entry: WaitlistEntry;
  readonly ahead: number;
  readonly replay: boolean;
}

export interface SweepCommand {
  readonly times: HoldTimes;
  /** Holds ended per sweep at most. */
  readonly limit: number;
}

/** Holds released per drop in one pass of a batch; the timer's sweep takes the rest. */
const DUE_PER_PASS_MAX = 5_000;

export const stockKey = (dropId: string, variant: string): string =>
  `${dropId}\u0000${variant}`;

/**
 * The stock of the drops a batch touches, kept in step with every move it decides. The moves
 * are written once per variant per batch (`flush`), each a conditional UPDATE: a batch of 500
 * holds costs one statement, not 500, while it holds the drop's lock.
 */
export class StockMirror {
  readonly #byKey = new Map<string, VariantStock>();
  readonly #pending = new Map<string, { available: number; held: number; sold: number }>();

  constructor(rows: readonly VariantStock[]) {
    for (const r of rows) this.#byKey.set(stockKey(r.dropId, r.variant), r);
  }

  get(dropId: string, variant: string): VariantStock | undefined {
    return this.#byKey.get(stockKey(dropId, variant));
  }

  /** Moves units in the mirror; the store gets them at `flush`. */
  move(dropId: string, variant: string, d: { available?: number; held?: number; sold?: number }):
    void {
    const key = stockKey(dropId, variant);
    const s = this.#byKey.get(key)!;
    const m = { available: d.available ?? 0, held: d.held ?? 0, sold: d.sold ?? 0 };
    const next = { ...s, available: s.available + m.available, held: s.held + m.held,
      sold: s.sold + m.sold };
    assert.ok(next.available >= 0 && next.held >= 0 && next.sold >= 0,
      `stock of ${dropId}/${variant} would go below zero`);
    this.#byKey.set(key, next);
    const p = this.#pending.get(key) ?? { available: 0, held: 0, sold: 0 };
    this.#pending.set(key, { available: p.available + m.available, held: p.held + m.held,
      sold: p.sold + m.sold });
  }

  /**
   * Writes the moves, one conditional UPDATE per variant, and `holds` (inserted first). Under
   * the drop's lock the condition always holds; if it did not, the batch fails and each command
   * runs again alone. A store that offers insertHoldsAndMove writes them all in one statement;
   * one that offers writeAtCommit holds them back to send with the COMMIT, with the holds
   * `paid` (ids of held holds to mark paid at `nowMs`, given only to such a store).
   */
  async flush(tx: StoreTx, holds: readonly Hold[] = [], paid: readonly string[] = [],
    nowMs = 0, closeLines: NonNullable<CommitWrite['closeLines']> = []): Promise<void> {
    const moves: StockMove[] = [];
    for (const [key, m] of [...this.#pending].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (m.available === 0 && m.held === 0 && m.sold === 0) continue;
      const [dropId, variant] = key.split('\u0000') as [string, string];
      moves.push({ dropId, variant, ...m });
    }
    this.#pending.clear();
    if (tx.writeAtCommit) {
      tx.writeAtCommit({ holds, moves, paid: paid.length === 0 ? null
        : { holdIds: paid, atMs: nowMs }, closeLines });
      return;
    }
    for (const c of closeLines) await tx.closeWaiting(c.dropId, c.variant);
    assert.equal(paid.length, 0, 'holds are paid at flush only with writeAtCommit');
    if (tx.insertHoldsAndMove) {
      if (holds.length === 0 && moves.length === 0) return;
      assert.equal(await tx.insertHoldsAndMove(holds, moves), moves.length,
        'stock moved under another writer');
      return;
    }
    await tx.insertHolds(holds);
    for (const m of moves) {
      assert.ok(await tx.moveStock(m), `stock of ${m.dropId}/${m.variant} moved under another `
        + 'writer');
    }
  }
}

/** What one batch holds open: the locked drops and their stock. */
export interface Scope {
  readonly drops: ReadonlyMap<string, Drop>;
  readonly stock: StockMirror;
  /**
   * The hold batch's keys and limits as readUnderLock read them with the stock; null when the
   * store reads them one by one, or when holds past due were ended after that read (their
   * buyers' units and their keys' holds changed).
   */
  readonly read: UnderLockRead | null;
}

/**
 * Locks the drops (sorted), reads their stock, and returns the units of holds past due. For a
 * hold batch (`holds`), a store that offers readUnderLock reads its keys and limits in the same
 * statement as the stock, and a settle batch's holds (`holdIds`); one that offers lockAndRead
 * sends that read with the lock, in one round trip.
 */
export async function openScope(tx: StoreTx, dropIds: Iterable<string>, nowMs: number,
  times: HoldTimes, holds: readonly HoldCommand[] = [], holdIds: readonly string[] = []):
  Promise<Scope> {
  const ids = [...new Set(dropIds)].sort();
  if (!tx.readUnderLock) {
    const drops = new Map((await tx.lockDrops(ids)).map((d) => [d.dropId, d]));
    const scope = { drops, stock: new StockMirror(await tx.stock([...drops.keys()])), read: null };
    await releaseDue(tx, scope, nowMs, times, DUE_PER_PASS_MAX);
    return scope;
  }
  const q = { dropIds: ids, nowMs, dueLimit: DUE_PER_PASS_MAX, holdIds,
    refs: holds.map((c) => ({ accountId: c.accountId, key: c.idempotencyKey })),
    accounts: holds.map((c) => ({ dropId: c.dropId, id: c.accountId })),
    identities: holds.map((c) => ({ dropId: c.dropId, id: c.identityKey })) };
  let locked: Drop[];
  let read: UnderLockRead;
  if (tx.lockAndRead) {
    ({ drops: locked, read } = await tx.lockAndRead(q));
  } else {
    locked = await tx.lockDrops(ids);
    read = await tx.readUnderLock(q);
  }
  const drops = new Map(locked.map((d) => [d.dropId, d]));
  const scope = { drops, stock: new StockMirror(read.stock), read };
  for (const h of read.due) await endHold(tx, scope, h, 'expired', nowMs, times);
  return read.due.length === 0 ? scope : { ...scope, read: null };
}

/** Ends the held holds of the scope's drops whose deadline has passed; returns how many. */
async function releaseDue(tx: StoreTx, scope: Scope, nowMs: number, times: HoldTimes,
  limit: number): Promise<number> {
  const due = await tx.dueHolds([...scope.drops.keys()], nowMs, limit);
  for (const h of due) await endHold(tx, scope, h, 'expired', nowMs, times);
  return due.length;
}

/**
 * Ends a held hold (expired, failed, cancelled, revoked) and returns its units at once: to the next
 * waiting entries of its variant, one unit each as an offer with its own deadline, and what no
 * one waits for back to sale. False if the hold was no longer held.
 */
export async function endHold(tx: StoreTx, scope: Scope, h: Hold,
  status: 'expired' | 'failed' | 'cancelled' | 'revoked', nowMs: number, times: HoldTimes):
  Promise<boolean> {
  if (!(await tx.settleHold(h.holdId, status, nowMs))) return false;
  if (h.entryId !== null) await tx.setEntry(h.entryId, 'lapsed', h.holdId);
  await returnUnits(tx, scope, h.dropId, h.variant, h.quantity, nowMs, times);
  return true;
}

/** `units` of a variant leave a hold: offered down the waitlist, the rest back on sale. */
export async function returnUnits(tx: StoreTx, scope: Scope, dropId: string, variant: string,
  units: number, nowMs: number, times: HoldTimes): Promise<void> {
  const drop = scope.drops.get(dropId)!;
  let left = units;
  while (left > 0) {
    const line = await tx.waitingEntries(dropId, variant, left);
    if (line.length === 0) break;
    for (const e of line) {
      if (!(await offer(tx, drop, e, nowMs, times))) continue;
      left -= 1; // the unit moves from one hold to another: `held` does not change
    }
  }
  if (left > 0) scope.stock.move(dropId, variant, { available: left, held: -left });
}

/**
 * Offers one unit to a waiting entry: a hold of one unit with the offer's deadline. An entry
 * whose account or identity has meanwhile reached a limit is passed over (false).
 */
async function offer(tx: StoreTx, drop: Drop, e: WaitlistEntry, nowMs: number,
  times: HoldTimes): Promise<boolean> {
  const byAccount = (await tx.unitsByAccount(drop.dropId, [e.accountId])).get(e.accountId) ?? 0;
  const byIdentity = (await tx.unitsByIdentity(drop.dropId, [e.identityKey]))
    .get(e.identityKey) ?? 0;
  if (byAccount + 1 > drop.perAccountLimit || byIdentity + 1 > drop.perIdentityLimit) {
    await tx.setEntry(e.entryId, 'passed', null);
    return false;
  }
  const holdId = newTimeOrderedId('hld', nowMs);
  // The key has a ':', which no Idempotency-Key may have (IDEMPOTENCY_KEY_PATTERN): a buyer's
  // own purchase can never have taken it first. `offer-<entry>` could be sent as one, and the
  // offer's INSERT then broke (account_id, idempotency_key) in every batch that returned the
  // unit, each try. Offers made before keep their `offer-` keys; nothing looks offers up by key.
  await tx.insertHolds([{ holdId, dropId: drop.dropId, variant: e.variant,
    accountId: e.accountId, identityKey: e.identityKey, quantity: 1, amountFen: amountFen(drop, 1),
    status: 'held', source: 'waitlist', paymentReference: dropPaymentReference(holdId),
    createdAtMs: nowMs, expiresAtMs: nowMs + times.offerMs, settledAtMs: null,
    idempotencyKey: `offer:${e.entryId}`, requestHash: '', entryId: e.entryId }]);
  await tx.setEntry(e.entryId, 'offered', holdId);
  return true;
}

/**
 * The variants of `sold` (stockKey) that this batch sold for good (every unit paid: none can
 * come back to offer them): their waiting entries are closed with the batch's write (flush),
 * under the drop's lock and in the batch that sells the last unit, so the line ends with the
 * sale: a buyer reads no place in a line that cannot move, and the waiting counts fall to 0.
 * Only a payment sells for good, so the settle batch is the one place this happens. On
 * PostgreSQL the close goes in the statement sent with the COMMIT: a statement of its own under
 * the lock cost a round trip at each size's sell-out (about 0.1 s later sold out, bench:drop).
 */
function soldForGoodOf(scope: Scope, sold: ReadonlySet<string>):
  Array<{ dropId: string; variant: string }> {
  return [...sold].sort().flatMap((key) => {
    const [dropId, variant] = key.split('\u0000') as [string, string];
    const s = scope.stock.get(dropId, variant)!;
    return s.sold === s.quantity ? [{ dropId, variant }] : [];
  });
}

/**
 * Units already held or bought per account and identity in each drop, for the limits: of the
 * commands `cmds`, from `read` when the scope has it, else read.
 */
async function holdingsOf(tx: StoreTx, cmds: readonly HoldCommand[],
  read: UnderLockRead | null) {
  if (read !== null) {
    const pick = (from: Map<string, number>, keys: string[]) => new Map(keys.flatMap((k) => {
      const n = from.get(k);
      return n === undefined ? [] : [[k, n] as const];
    }));
    return { accounts: pick(read.accountUnits, cmds.map((c) => stockKey(c.dropId, c.accountId))),
      identities: pick(read.identityUnits, cmds.map((c) => stockKey(c.dropId, c.identityKey))) };
  }
  const accounts = new Map<string, number>();
  const identities = new Map<string, number>();
  for (const dropId of new Set(cmds.map((c) => c.dropId))) {
    const mine = cmds.filter((c) => c.dropId === dropId);
    const accountIds = [...new Set(mine.map((c) => c.accountId))];
    const keys = [...new Set(mine.map((c) => c.identityKey))];
    for (const [id, n] of await tx.unitsByAccount(dropId, accountIds)) {
      accounts.set(stockKey(dropId, id), n);
    }
    for (const [k, n] of await tx.unitsByIdentity(dropId, keys)) {
      identities.set(stockKey(dropId, k), n);
    }
  }
  return { accounts, identities };
}

export function dropCommands() {
  /**
   * A batch that can only be refused: every variant it asks for has nothing on sale and no hold
   * of its drops is past due, as committed now. Its refusals are decided from that state, read
   * without taking the drops' lock, so that after a sell-out the crowd still asking does not
   * queue behind the batches that pay and release units (the other process's too). Null when
   * any command might succeed: then the batch takes the lock.
   */
  async function refuseWithoutLock(tx: StoreTx, cmds: readonly HoldCommand[], nowMs: number):
    Promise<Array<Result<HoldOutcome>> | null> {
    const ids = [...new Set(cmds.map((c) => c.dropId))].sort();
    const stock = new StockMirror(await tx.stock(ids));
    if (cmds.some((c) => (stock.get(c.dropId, c.variant)?.available ?? 1) > 0)) return null;
    if ((await tx.dueHolds(ids, nowMs, 1)).length > 0) return null;
    const drops = new Map((await tx.dropsById(ids)).map((d) => [d.dropId, d]));
    const known = new Map((await tx.holdsByIdempotency(cmds.map((c) =>
      ({ accountId: c.accountId, key: c.idempotencyKey }))))
      .map((h) => [stockKey(h.accountId, h.idempotencyKey), h]));
    return cmds.map((c) => {
      const prior = known.get(stockKey(c.accountId, c.idempotencyKey));
      if (prior) {
        return samePurchase(prior.requestHash, c) ? ok({ hold: prior, replay: true })
          : dropKeyReused();
      }
      const drop = drops.get(c.dropId);
      if (!drop) return refuse('drop_not_found');
      // As in the locked path, a sold-out variant's refusal reads no limits: sold out is true
      // for a buyer at their limit too, and the limits cost two reads per buyer.
      const d = decideHold(drop, stock.get(c.dropId, c.variant),
        { accountUnits: 0, identityUnits: 0 }, c.quantity, nowMs);
      assert.ok(!d.ok, 'nothing on sale: every hold is refused');
      return d;
    });
  }

  /**
   * dropHold in the database (takeHoldsAtCommit): each command's result once the COMMIT
   * succeeded, from its row. The database's verdict is checked against decideHold run here on
   * the figures it decided from (the rules' one source; a differing verdict fails the command,
   * and the table test checks it never does), and the refusal's message is decideHold's.
   */
  function holdsAtCommit(take: NonNullable<StoreTx['takeHoldsAtCommit']>,
    cmds: readonly HoldCommand[], nowMs: number):
    Array<AtCommit<Result<HoldOutcome> | typeof HOLD_AGAIN>> {
    const holdIds = cmds.map(() => newTimeOrderedId('hld', nowMs));
    const rowsOf = take(cmds.map((c, i) => ({ dropId: c.dropId, variant: c.variant,
      quantity: c.quantity, accountId: c.accountId, identityKey: c.identityKey,
      idempotencyKey: c.idempotencyKey, requestHash: c.requestHash, holdId: holdIds[i]!,
      expiresAtMs: nowMs + c.times.holdMs })), nowMs);
    let results: Array<Result<HoldOutcome> | typeof HOLD_AGAIN> | null = null;
    const decide = (): Array<Result<HoldOutcome> | typeof HOLD_AGAIN> => {
      const taken = rowsOf();
      assert.equal(taken.length, cmds.length, 'one decision per purchase');
      const drops = new Map<string, Drop>();
      return cmds.map((c, i) => {
        const r: TakenHoldRow = taken[i]!;
        if (r.drop) drops.set(r.drop.dropId, r.drop);
        switch (r.verdict) {
          case 'again': return HOLD_AGAIN;
          case 'replay': return ok({ hold: r.prior!, replay: true });
          // The database compares the hashes as stored: a hold of the first recipe is matched
          // by that recipe here (samePurchase).
          case 'key_reused': return samePurchase(r.prior!.requestHash, c)
            ? ok({ hold: r.prior!, replay: true }) : dropKeyReused();
          case 'drop_not_found': return refuse('drop_not_found');
          default: break;
        }
        const drop = drops.get(c.dropId)!;
        // decideHold reads a stock's `available` and `held` only: the rest is not returned.
        const stock: VariantStock | undefined = r.verdict === 'unknown_variant' ? undefined
          : { dropId: c.dropId, variant: c.variant, quantity: r.available + r.held,
            available: r.available, held: r.held, sold: 0 };
        const d = decideHold(drop, stock, { accountUnits: r.accountUnits,
          identityUnits: r.identityUnits }, c.quantity, nowMs);
        assert.equal(d.ok ? 'held' : d.code, r.verdict, 'the database decided a hold as '
          + 'decideHold does');
        if (!d.ok) return d;
        const holdId = holdIds[i]!;
        return ok({ hold: { holdId, dropId: c.dropId, variant: c.variant,
          accountId: c.accountId, identityKey: c.identityKey, quantity: c.quantity,
          amountFen: amountFen(drop, c.quantity), status: 'held', source: 'sale',
          paymentReference: dropPaymentReference(holdId), createdAtMs: nowMs,
          expiresAtMs: nowMs + c.times.holdMs, settledAtMs: null,
          idempotencyKey: c.idempotencyKey, requestHash: c.requestHash, entryId: null },
        replay: false });
      });
    };
    return cmds.map((_, i) => new AtCommit(() => (results ??= decide())[i]!));
  }

  /**
   * Takes holds in arrival order: the heart of a drop's opening second. Where the store decides
   * them in the database (takeHoldsAtCommit, PostgreSQL) the results come after the COMMIT, and
   * a command may be answered HOLD_AGAIN; otherwise here, under the drops' lock.
   */
  const dropHold: BatchHandler<HoldCommand, Result<HoldOutcome> | typeof HOLD_AGAIN
    | AtCommit<Result<HoldOutcome> | typeof HOLD_AGAIN>> = async (tx, cmds, nowMs) => {
    if (tx.takeHoldsAtCommit && !cmds.some((c) => c.underLock === true || [c.dropId,
      c.variant, c.accountId, c.identityKey, c.idempotencyKey, c.requestHash]
      .some((t) => t.includes('\u0000')))) {
      return holdsAtCommit(tx.takeHoldsAtCommit.bind(tx), cmds, nowMs);
    }
    // Not where the lock and its read go in one message (lockAndRead, PostgreSQL): there the
    // read without the lock costs one more round trip of every batch while units sell, and it
    // refuses little. A purchase reaches a batch only when a stock read begun after it arrived
    // saw its size on sale or a hold past due (DropsService.hold); after a sell-out the crowd is
    // refused by that read, and the few batches begun before it, one per process at a time
    // (their lane), decide their refusals under the lock.
    const refused = tx.lockAndRead ? null : await refuseWithoutLock(tx, cmds, nowMs);
    if (refused !== null) return refused;
    const scope = await openScope(tx, cmds.map((c) => c.dropId), nowMs, cmds[0]!.times, cmds);
    const known = new Map<string, Hold>();
    for (const h of scope.read?.known ?? await tx.holdsByIdempotency(cmds.map((c) =>
      ({ accountId: c.accountId, key: c.idempotencyKey })))) {
      known.set(stockKey(h.accountId, h.idempotencyKey), h);
    }
    // Once sold out, the rest of the batch is refused without reading limits (sold out is true
    // for a buyer at their limit too): at the opening second most commands meet an empty variant.
    const live = cmds.filter((c) => (scope.stock.get(c.dropId, c.variant)?.available ?? 0) > 0
      && !known.has(stockKey(c.accountId, c.idempotencyKey)));
    const held = await holdingsOf(tx, live, scope.read);
    const inserted: Hold[] = [];
    const results: Array<Result<HoldOutcome>> = [];
    for (const c of cmds) {
      const idKey = stockKey(c.accountId, c.idempotencyKey);
      const prior = known.get(idKey);
      if (prior) {
        results.push(samePurchase(prior.requestHash, c) ? ok({ hold: prior, replay: true })
          : dropKeyReused());
        continue;
      }
      const drop = scope.drops.get(c.dropId);
      if (!drop) {
        results.push(refuse('drop_not_found'));
        continue;
      }
      const aKey = stockKey(c.dropId, c.accountId);
      const iKey = stockKey(c.dropId, c.identityKey);
      const holding = { accountUnits: held.accounts.get(aKey) ?? 0,
        identityUnits: held.identities.get(iKey) ?? 0 };
      const stock = scope.stock.get(c.dropId, c.variant);
      const d = decideHold(drop, stock, holding, c.quantity, nowMs);
      if (!d.ok) {
        results.push(d);
        continue;
      }
      scope.stock.move(c.dropId, c.variant, { available: -c.quantity,
        held: c.quantity });
      held.accounts.set(aKey, holding.accountUnits + c.quantity);
      held.identities.set(iKey, holding.identityUnits + c.quantity);
      const holdId = newTimeOrderedId('hld', nowMs);
      const hold: Hold = { holdId, dropId: c.dropId, variant: c.variant, accountId: c.accountId,
        identityKey: c.identityKey, quantity: c.quantity, amountFen: amountFen(drop, c.quantity),
        status: 'held', source: 'sale', paymentReference: dropPaymentReference(holdId),
        createdAtMs: nowMs, expiresAtMs: nowMs + c.times.holdMs, settledAtMs: null,
        idempotencyKey: c.idempotencyKey, requestHash: c.requestHash, entryId: null };
      known.set(idKey, hold);
      inserted.push(hold);
      results.push(ok({ hold, replay: false }));
    }
    await scope.stock.flush(tx, inserted);
    return results;
  };

  /**
   * dropSettle in the database (settleHoldsAtCommit): each command's result once the COMMIT
   * succeeded, from its row. Each row's verdict is checked against settleVerdict run here on
   * the hold as the database found it (a differing verdict fails that command alone, and the
   * table test checks it never does); the answer is settleResult's, as in the JS path.
   */
  function settlesAtCommit(settle: NonNullable<StoreTx['settleHoldsAtCommit']>,
    cmds: readonly SettleCommand[], nowMs: number):
    Array<AtCommit<Result<Hold> | typeof HOLD_AGAIN>> {
    const rowsOf = settle(cmds.map((c) => ({ dropId: c.dropId, holdId: c.holdId,
      accountId: c.accountId, outcome: c.outcome })), nowMs);
    let rows: ReturnType<typeof rowsOf> | null = null;
    return cmds.map((c, i) => new AtCommit(() => {
      rows ??= rowsOf();
      assert.equal(rows.length, cmds.length, 'one decision per settle');
      const r = rows[i]!;
      if (r.verdict === 'again') return HOLD_AGAIN;
      const h = r.hold ?? undefined;
      assert.equal(r.verdict, settleVerdict(h, c), 'the database decided a settle as '
        + 'settleVerdict does');
      return settleResult(h, r.verdict, nowMs);
    }));
  }

  /**
   * Pays, fails or cancels held holds; a paid hold is a sale, the others return their units.
   * Where the store decides them in the database (settleHoldsAtCommit, PostgreSQL) the results
   * come after the COMMIT, and a command may be answered HOLD_AGAIN; otherwise as follows.
   * A command that carries its hold (`SettleCommand.hold`, a payment's) is settled by a
   * conditional update without reading the hold first: the payments of a batch in one statement,
   * its failures one each. Only the holds that were no longer held, and the commands without
   * their hold (a cancel), are read, in one statement; a hold settled earlier in the batch is
   * seen as settled by the commands after it.
   */
  const dropSettle: BatchHandler<SettleCommand, Result<Hold> | typeof HOLD_AGAIN
    | AtCommit<Result<Hold> | typeof HOLD_AGAIN>> = async (tx, cmds, nowMs) => {
    if (tx.settleHoldsAtCommit && !cmds.some((c) => c.underLock === true
      || [c.dropId, c.holdId, c.accountId ?? ''].some((t) => t.includes('\u0000')))) {
      return settlesAtCommit(tx.settleHoldsAtCommit.bind(tx), cmds, nowMs);
    }
    const scope = await openScope(tx, cmds.map((c) => c.dropId), nowMs, cmds[0]!.times, [],
      [...new Set(cmds.map((c) => c.holdId))]);
    // A hold named by two commands of the batch is decided from a read, in arrival order, so
    // that the first command wins as it would alone.
    const named = new Map<string, number>();
    for (const c of cmds) named.set(c.holdId, (named.get(c.holdId) ?? 0) + 1);
    const carried = (c: SettleCommand): c is SettleCommand & { hold: Hold } =>
      c.hold !== undefined && named.get(c.holdId) === 1 && c.hold.holdId === c.holdId
      && c.hold.dropId === c.dropId && (c.accountId === null || c.hold.accountId === c.accountId);
    // The holds as read with the lock, when the store read them there (no hold past due was
    // ended since): a hold's status changes only under its drop's lock, so what was held then
    // is held until the COMMIT, and the payments are written with it (writeAtCommit), each
    // still conditional on `held`. Otherwise they are marked paid now, and the rest read.
    const underLock = tx.writeAtCommit ? scope.read?.holds : undefined;
    const paidAtCommit: string[] = [];
    let paidAtOnce: Set<string>;
    let holds: Map<string, Hold>;
    if (underLock !== undefined) {
      holds = new Map(underLock.map((h) => [h.holdId, h]));
      paidAtOnce = new Set(cmds.filter((c) => carried(c) && c.outcome === 'paid'
        && holds.get(c.holdId)?.status === 'held').map((c) => c.holdId));
      paidAtCommit.push(...paidAtOnce);
    } else {
      paidAtOnce = new Set(await tx.settleHolds(cmds.filter((c) => carried(c)
        && c.outcome === 'paid').map((c) => c.holdId), 'paid', nowMs));
      holds = new Map((await tx.holds([...new Set(cmds.filter((c) => !paidAtOnce.has(c.holdId)
        && !(carried(c) && c.outcome !== 'paid')).map((c) => c.holdId))]))
        .map((h) => [h.holdId, h]));
    }
    const results: Array<Result<Hold>> = [];
    /** The variants this batch sold units of (stockKey), for soldForGoodOf. */
    const sold = new Set<string>();
    for (const c of cmds) {
      if (carried(c)) {
        if (paidAtOnce.has(c.holdId)) {
          const sale: Hold = { ...c.hold, status: 'paid', settledAtMs: nowMs };
          scope.stock.move(sale.dropId, sale.variant, { held: -sale.quantity,
            sold: sale.quantity });
          sold.add(stockKey(sale.dropId, sale.variant));
          if (sale.entryId !== null) await tx.setEntry(sale.entryId, 'bought', sale.holdId);
          results.push(ok(sale));
          continue;
        }
        if (c.outcome !== 'paid') {
          if (await endHold(tx, scope, c.hold, c.outcome, nowMs, c.times)) {
            results.push(ok({ ...c.hold, status: c.outcome, settledAtMs: nowMs }));
            continue;
          }
          // No longer held: answered from what it is now, below.
          const [now] = await tx.holds([c.holdId]);
          if (now) holds.set(now.holdId, now);
        }
      }
      const h = holds.get(c.holdId);
      const verdict = settleVerdict(h, c);
      if (verdict !== c.outcome) {
        // Not held (a retried payment of a hold already paid is answered with the sale).
        results.push(settleResult(h, verdict, nowMs));
        continue;
      }
      assert.ok(h, 'a hold settleVerdict ends is found');
      const settled: Hold = { ...h, status: c.outcome, settledAtMs: nowMs };
      holds.set(h.holdId, settled);
      if (c.outcome === 'paid') {
        if (underLock !== undefined) paidAtCommit.push(h.holdId);
        else {
          assert.deepEqual(await tx.settleHolds([h.holdId], 'paid', nowMs), [h.holdId],
            'a held hold is paid');
        }
        scope.stock.move(h.dropId, h.variant, { held: -h.quantity, sold: h.quantity });
        sold.add(stockKey(h.dropId, h.variant));
        if (h.entryId !== null) await tx.setEntry(h.entryId, 'bought', h.holdId);
      } else {
        assert.ok(await endHold(tx, scope, h, c.outcome, nowMs, c.times), 'a held hold ends');
      }
      results.push(ok(settled));
    }
    await scope.stock.flush(tx, [], paidAtCommit, nowMs, soldForGoodOf(scope, sold));
    return results;
  };

  /** Joins refused buyers to a variant's waitlist, one unit each, in arrival order. */
  const dropJoin: BatchHandler<JoinCommand, Result<JoinOutcome>> = async (tx, cmds, nowMs) => {
    const scope = await openScope(tx, cmds.map((c) => c.dropId), nowMs, cmds[0]!.times);
    const results: Array<Result<JoinOutcome>> = [];
    for (const c of cmds) {
      const drop = scope.drops.get(c.dropId);
      const stock = scope.stock.get(c.dropId, c.variant);
      if (!drop) {
        results.push(refuse('drop_not_found'));
        continue;
      }
      if (!stock) {
        results.push(unknownVariant(drop, c.variant));
        continue;
      }
      const open = await tx.openEntry(c.dropId, c.variant, c.accountId);
      if (open) {
        const line = await tx.waitingEntries(c.dropId, c.variant, c.waitlistMax);
        results.push(ok({ entry: open, replay: true,
          ahead: line.filter((e) => e.seq < open.seq).length }));
        continue;
      }
      if (nowMs < drop.opensAtMs) {
        results.push(refuse('drop_not_open'));
        continue;
      }
      // Someone who could buy now is told to: the waitlist is for units that come back.
      if (stock.available > 0) {
        results.push(refuse('waitlist_not_needed'));
        continue;
      }
      const a = (await tx.unitsByAccount(c.dropId, [c.accountId])).get(c.accountId) ?? 0;
      const i = (await tx.unitsByIdentity(c.dropId, [c.identityKey])).get(c.identityKey) ?? 0;
      if (a + 1 > drop.perAccountLimit || i + 1 > drop.perIdentityLimit) {
        results.push(refuse('drop_limit_reached'));
        continue;
      }
      if (stock.sold === stock.quantity) {
        results.push(refuse('drop_sold_out', 'Every unit of this size is sold: none can come '
          + 'back, so there is no waitlist for it.'));
        continue;
      }
      const waiting = await tx.waitingCount(c.dropId);
      if (waiting >= c.waitlistMax) {
        results.push(refuse('waitlist_full'));
        continue;
      }
      const entry: WaitlistEntry = { entryId: newTimeOrderedId('wle', nowMs), dropId: c.dropId,
        variant: c.variant, accountId: c.accountId, identityKey: c.identityKey,
        seq: await tx.nextEntrySeq(c.dropId), joinedAtMs: nowMs, status: 'waiting',
        holdId: null };
      await tx.insertEntry(entry);
      const line = await tx.waitingEntries(c.dropId, c.variant, c.waitlistMax);
      results.push(ok({ entry, replay: false,
        ahead: line.filter((e) => e.seq < entry.seq).length }));
    }
    await scope.stock.flush(tx);
    return results;
  };

  /** Ends every held hold past its deadline (the timer's sweep); returns how many. */
  const dropSweep: BatchHandler<SweepCommand, number> = async (tx, cmds, nowMs) => {
    const c = cmds[0]!;
    const dropIds = await tx.dropsWithDueHolds(nowMs, 100);
    if (dropIds.length === 0) return cmds.map(() => 0);
    const ids = [...dropIds].sort();
    const drops = new Map((await tx.lockDrops(ids)).map((d) => [d.dropId, d]));
    const scope = { drops, stock: new StockMirror(await tx.stock(ids)), read: null };
    const n = await releaseDue(tx, scope, nowMs, c.times, c.limit);
    await scope.stock.flush(tx);
    return cmds.map(() => n);
  };

  return { dropHold, dropSettle, dropJoin, dropSweep };
}
