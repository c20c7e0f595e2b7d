// Waiting rooms' group-commit handler: one admitter round of a room (the shuffle at the opening,
// lapsed places expired, admissions at the rate under the cap), written in whichever thread runs
// the batch. On SQLite that is the writer thread: a round on the event loop's own connection
// paused the writer and held the loop once a round (docs/benchmarks.md, "session 11", for the
// same fault with signals).
import { strict as assert } from 'node:assert';
import { randomInt } from 'node:crypto';
import { newId } from '../kernel/ids.js';
import type { StoreTx } from '../kernel/store/store.js';
import type { BatchHandler } from '../kernel/write/group-committer.js';
import {
  adaptiveFactor, admissionRound, DRAW_SCHEME, lateKey, prequeueOrder, shuffleDue,
  type Pass, type Room,
} from './waiting-room.js';

/** One room's admitter round, as plain data (it may cross to the writer thread). */
export interface AdmitCommand {
  readonly roomId: string;
  /** The room's clock now (ms). */
  readonly nowMs: number;
  /** Limits.waitingAdmitRoundMax: passes given in one round at most. */
  readonly admitRoundMax: number;
  /** Limits.waitingAdmitRoundMs: how often rounds run (the bucket's size, admissionRound). */
  readonly roundMs: number;
  /**
   * For an adaptive room: the commit queue's delay now and Limits.queueDelayMaxMs (ms), read
   * on the event loop where the queue is; null when not wired (the rate is the room's own).
   */
  readonly queueDelay: { readonly delayMs: number; readonly maxMs: number } | null;
}

/**
 * Runs one admitter round of a room in `tx`; how many passes it gave. Nothing when the room is
 * gone, off, or (PostgreSQL) another process's admitter holds it this round.
 */
export async function admitIn(tx: StoreTx, c: AdmitCommand): Promise<number> {
  const { roomId, nowMs } = c;
  const room = await tx.lockRoomForAdmission(roomId);
  if (!room || !room.enabled) return 0;
  const shuffledAtMs = await shuffleIn(tx, room, nowMs);
  await tx.expireTickets(roomId, nowMs - room.graceSeconds * 1000);
  const active = await tx.activePassCount(roomId, nowMs);
  const f = room.adaptive && c.queueDelay !== null
    ? adaptiveFactor(c.queueDelay.delayMs, c.queueDelay.maxMs) : 1;
  const may = admissionRound(room, nowMs, active, c.admitRoundMax, f, c.roundMs).admit;
  const head = may > 0 ? await tx.headOfLine(roomId, may) : [];
  const round = admissionRound(room, nowMs, active, head.length, f, c.roundMs);
  const passes: Pass[] = head.slice(0, round.admit).map((t) => ({ passId: newId('wrp'),
    roomId, ticketId: t.ticketId, issuedAtMs: nowMs,
    expiresAtMs: nowMs + room.passSeconds * 1000, status: 'active', spentBy: null,
    spentKey: null, spentAtMs: null, claimedUntilMs: null,
    // A place taken signed in earns a pass for that account only: it is bound from the start.
    boundTo: t.accountId }));
  await tx.admit(passes, nowMs);
  await tx.setRoomState(roomId, { tokens: round.tokens, filledAtMs: round.filledAtMs,
    admittedTotal: room.admittedTotal + passes.length, shuffledAtMs });
  return passes.length;
}

/**
 * The pre-queue keyed at the opening (shuffled, or in arrival order), and stragglers keyed at
 * the back after it; the time it was keyed (`shuffledAtMs`, for either order).
 */
async function shuffleIn(tx: StoreTx, room: Room, nowMs: number): Promise<number | null> {
  if (!shuffleDue(room, nowMs)) return room.shuffledAtMs;
  const unkeyed = await tx.unkeyedTicketIds(room.roomId);
  if (room.shuffledAtMs === null) {
    // Rooms of an older scheme were all shuffled already (migration 22): this draw is published
    // as DRAW_SCHEME's.
    assert.equal(room.drawScheme, DRAW_SCHEME, 'an unshuffled room draws by the current scheme');
    const order = prequeueOrder(room, unkeyed);
    await tx.setTicketKeys(room.roomId, order, order.map((_, i) => i + 1));
    return nowMs;
  }
  if (unkeyed.length > 0) {
    // A join that began before the opening and committed after the shuffle: at the back.
    await tx.setTicketKeys(room.roomId, unkeyed,
      unkeyed.map(() => lateKey(nowMs, randomInt(0, 1024))));
  }
  return room.shuffledAtMs;
}

/** Waiting rooms' batch handlers. `admitRoom` answers each round with the passes it gave. */
export function roomCommands() {
  const admitRoom: BatchHandler<AdmitCommand, number> = async (tx, cmds) => {
    // One after another: two rounds of one room in a batch must see each other's passes.
    const out: number[] = [];
    for (const c of cmds) out.push(await admitIn(tx, c));
    return out;
  };
  return { admitRoom };
}

/** The handlers' type, for the composition's submit. */
export type RoomHandlers = ReturnType<typeof roomCommands>;
