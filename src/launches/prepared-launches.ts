// The launch reads every phone repeats, prepared once per change (kernel/http/prepared-reply.ts):
// the launch list and each launch. Each is rebuilt when what it shows is no longer what it was
// built from; none is ever served past a change.
import { PreparedJson, REPLY_TIME } from '../kernel/http/prepared-reply.js';
import type { NoticedRoom } from '../kernel/room-notice.js';
import { launchState, type Launch } from './launch.js';
import { launchView } from './launch-views.js';

/**
 * Launches: any cache may keep them but must ask again each time (a 304 when unchanged), since
 * an operator may move an opening at any moment and the page must see it (issue 18, fault 6).
 */
export const LAUNCH_CACHE_CONTROL = 'public, no-cache';

interface ListEntry {
  readonly launches: readonly Launch[];
  readonly states: readonly string[];
  readonly rooms: string;
  readonly reply: PreparedJson;
}

/**
 * What a room shows of itself in a launch's figures, as a key: a room switched on, off, moved or
 * suspended rebuilds the reply (the rooms are read again each second, as new objects).
 */
const roomKey = (r: NoticedRoom | null): string => (r === null ? '' : JSON.stringify([r.roomId,
  r.suspended, r.prequeueAtMs, r.opensAtMs, r.order]));

/**
 * One process's prepared launch reads. A launch is an immutable object replaced whenever it may
 * have changed (LaunchesService.refresh: this process's own change at once, another process's
 * within the cache's second), so the object itself is the key; its state (scheduled, open) is
 * part of the key too, since it turns at the opening without the object changing, and so is
 * the waiting room in front of it (`rooms`: the composition's RoomNotices, read without waiting).
 */
export class PreparedLaunches {
  #list: ListEntry | null = null;
  readonly #launches = new WeakMap<Launch, { state: string; room: string;
    reply: PreparedJson }>();
  /** Replies prepared so far (tested: no rebuild without a change). */
  builds = 0;

  /**
   * `GET /launches`, as `{launches: [Launch], server_time}`; `rooms[i]` is the room in front of
   * `launches[i]` (null: none).
   */
  list(launches: readonly Launch[], nowMs: number, rooms: ReadonlyArray<NoticedRoom | null>):
    PreparedJson {
    const states = launches.map((l) => launchState(l, nowMs));
    const roomsKey = rooms.map(roomKey).join('\u0000');
    const hit = this.#list;
    if (hit !== null && hit.launches.length === launches.length && hit.rooms === roomsKey
      && launches.every((l, i) => hit.launches[i] === l && hit.states[i] === states[i])) {
      return hit.reply;
    }
    this.builds++;
    const reply = new PreparedJson({ launches: launches.map((l, i) => ({
      ...launchView(l, nowMs, rooms[i] ?? null), server_time: REPLY_TIME })),
    server_time: REPLY_TIME }, LAUNCH_CACHE_CONTROL);
    this.#list = { launches: [...launches], states, rooms: roomsKey, reply };
    return reply;
  }

  /** `GET /launches/{id}`, with the room in front of it (null: none). */
  launch(l: Launch, nowMs: number, room: NoticedRoom | null): PreparedJson {
    const state = launchState(l, nowMs);
    const key = roomKey(room);
    const hit = this.#launches.get(l);
    if (hit !== undefined && hit.state === state && hit.room === key) return hit.reply;
    this.builds++;
    const reply = new PreparedJson({ ...launchView(l, nowMs, room), server_time: REPLY_TIME },
      LAUNCH_CACHE_CONTROL);
    this.#launches.set(l, { state, room: key, reply });
    return reply;
  }
}
