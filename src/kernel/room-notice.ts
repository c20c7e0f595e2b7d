// What a buyer is told of a waiting room before they meet it: the public note that a launch's or
// a drop's figures carry (issue #17, new-user review: the room was found only after a refused
// Buy, after the shuffle that makes early arrival fair). A port of the kernel, as the admission
// gate is (admission-gate.ts): launches and drops read it without depending on the waiting
// room's capability; the composition (src/launchday.ts) plugs the rooms in.
import { Type } from '@sinclair/typebox';
import { iso } from './iso-time.js';

/** The room settings the note shows (a structural slice of waiting-rooms' Room). */
export interface NoticedRoom {
  readonly roomId: string;
  readonly scope: 'launch' | 'drop';
  readonly targetId: string;
  /** Off: there is no room to tell of (no gate either). */
  readonly enabled: boolean;
  /** On: nobody is admitted for now; places are kept. */
  readonly suspended: boolean;
  readonly prequeueAtMs: number;
  readonly opensAtMs: number;
  readonly order: 'shuffle' | 'fifo';
}

/** How long a copy of the rooms serves a prepared read before it is read again (ms). */
const NOTICES_FRESH_MS = 1_000;

/**
 * The address of a room's page for people (web/js/waiting-room-page.js reads `room`), the one
 * the gate's refusals name too.
 */
export const roomPageUrl = (roomId: string): string =>
  `/waiting-room?room=${encodeURIComponent(roomId)}`;

/** The room switched on in front of a launch or a drop, as its public figures show it. */
export function roomNoticeView(r: NoticedRoom | null) {
  return r === null ? null : { id: r.roomId, prequeue_opens_at: iso(r.prequeueAtMs),
    opens_at: iso(r.opensAtMs), shuffle: r.order === 'shuffle', suspended: r.suspended,
    url: roomPageUrl(r.roomId) };
}

/** The contract of `roomNoticeView`, in the drop's and the launch's replies. */
export const RoomNoticeSchema = Type.Union([Type.Object({
  id: Type.String(),
  prequeue_opens_at: Type.String({ format: 'date-time', description: 'From when its line can '
    + 'be joined (the pre-queue)' }),
  opens_at: Type.String({ format: 'date-time' }),
  shuffle: Type.Boolean({ description: 'At the opening everyone in the pre-queue is put in '
    + 'random order (else arrival order)' }),
  suspended: Type.Boolean({ description: 'Nobody is admitted for now; places are kept' }),
  url: Type.String({ description: 'The room\'s page' }),
}), Type.Null()], {
  description: 'The waiting room in front of it, or null when none is on' });

/**
 * The rooms in front of launches and drops, from the waiting rooms' own copy (read at most once
 * a second for every gated order and purchase): no read of its own per request. `notice` waits
 * for a stale copy; `cachedNotice` answers at once, or undefined when the copy is stale (a
 * prepared read then takes the handler's path, which waits).
 */
export class RoomNotices {
  #rooms: readonly NoticedRoom[] = [];
  #readAt = -Infinity;

  /** `rooms`: every room, from a copy at most NOTICES_FRESH_MS old (WaitingRoomsService). */
  constructor(private readonly rooms: () => Promise<readonly NoticedRoom[]>) {}

  /** The room switched on in front of the target, or null. */
  async notice(scope: NoticedRoom['scope'], targetId: string): Promise<NoticedRoom | null> {
    this.#rooms = await this.rooms();
    this.#readAt = performance.now();
    return this.#find(scope, targetId);
  }

  /** The same without waiting: undefined when the copy must be read again first. */
  cachedNotice(scope: NoticedRoom['scope'], targetId: string): NoticedRoom | null | undefined {
    return performance.now() - this.#readAt < NOTICES_FRESH_MS ? this.#find(scope, targetId)
      : undefined;
  }

  #find(scope: NoticedRoom['scope'], targetId: string): NoticedRoom | null {
    return this.#rooms.find((r) => r.scope === scope && r.targetId === targetId && r.enabled)
      ?? null;
  }
}
