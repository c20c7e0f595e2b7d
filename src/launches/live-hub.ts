// Live figures as server-sent events, and the same figures as a snapshot any cache can serve.
// Each launch with viewers costs one computation per tick, however many watch, and each tick's
// frame is encoded once: the same bytes go to every viewer.
//
// The writes are sliced: at 10,000 viewers one burst of writes held the event loop for tens of
// milliseconds each second and raised order p99 threefold (issue #19), so the hub yields to the
// loop (setImmediate) whenever a slice has taken `sliceMs`, and orders are served between.
//
// A viewer whose connection is not taking what it is sent (its stream has not drained) misses
// frames rather than have them queued in memory: each frame holds the whole current figures
// and the series' last points, so the next one it takes brings it up to date (a screen that
// missed more than the tail reads the snapshot). One that misses `stalledFramesMax` frames in
// a row is disconnected, and its place goes to someone who watches.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { withTail, type LiveFigures } from './live-series.js';

/**
 * What a frame and the snapshot carry: the time figures, and with them the launch's figures
 * (orders' LaunchStats, orders/live-frames.ts), which the hub sends as they are.
 */
export type LiveFrame = LiveFigures;

/**
 * The longest run of writes by the clock before the hub yields to the event loop. Half a
 * millisecond: with 1 ms the longest run, in CPU time (the kernel's work for each write and the
 * process's other threads included), came to 2.2 ms; the loop is to be held 1-2 ms at most.
 */
export const SLICE_MS = 0.5;

/** Series points in a frame after a viewer's first (a whole series is in the first). */
export const TAIL_POINTS = 15;

/** One tick's figures of a launch, encoded once for every viewer and every snapshot reader. */
export interface LiveSnapshot {
  /** The frame as JSON: the snapshot's body. */
  readonly json: Buffer;
  /** A strong ETag of `json`. */
  readonly etag: string;
  /** When it was computed (performance.now() time, for freshness only). */
  readonly computedAt: number;
  /** The SSE event with the whole series, for a new viewer or after the series' step changed. */
  readonly whole: Buffer;
  /** The SSE event with the series' tail only, for viewers who have the rest. */
  readonly tail: Buffer;
  /** `whole` and `tail` framed as HTTP/1.1 chunks, written to the viewers' sockets as they are. */
  readonly wholeChunk: Buffer;
  readonly tailChunk: Buffer;
  /** Opening and series step: when it changes, viewers need the whole series again. */
  readonly shape: string;
}

const event = (frame: unknown): Buffer =>
  Buffer.from(`event: stats\ndata: ${JSON.stringify(frame)}\n\n`);
const chunk = (bytes: Buffer): Buffer => Buffer.concat([
  Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);

/**
 * A viewer: its reply, the socket its frames are written to directly once the reply's head is
 * out (null: through the reply, as for an HTTP/1.0 client), and the frames it missed in a row.
 */
interface Viewer {
  readonly res: ServerResponse;
  readonly socket: Socket | null;
  missed: number;
}

export class LiveHub {
  /** Each launch's viewers. */
  readonly #viewers = new Map<string, Set<Viewer>>();
  #closed = false;
  /** The newest snapshot of each launch, and the one being computed. */
  readonly #snapshots = new Map<string, LiveSnapshot>();
  readonly #computing = new Map<string, Promise<LiveSnapshot | null>>();
  /** The shape each launch's viewers were last sent. */
  readonly #shapeSent = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  /** Figures computed so far: one per launch per tick, however many watch (tested). */
  computations = 0;
  /** Times a tick's writes yielded to the event loop (tested). */
  yields = 0;
  /**
   * The last tick's writes, for the benchmark: how many, in how many slices, their time in all
   * and the longest slice by the clock (which counts time the process was not scheduled), and
   * the same in the process's CPU time (ms, user and system).
   */
  lastTick = { writes: 0, slices: 0, writeMs: 0, longestSliceMs: 0, cpuMs: 0,
    longestSliceCpuMs: 0 };

  /**
   * `compute`: the launch's frame now, or null when there is no such launch. `viewersMax`,
   * `stalledFramesMax`: Limits.liveViewersMax, liveStalledFramesMax. `sliceMs`: the longest
   * run of writes before yielding to the event loop.
   */
  constructor(
    private readonly compute: (launchId: string) => Promise<LiveFrame | null>,
    private readonly viewersMax: number,
    private readonly stalledFramesMax = 30,
    private readonly tickMs = 1_000,
    private readonly sliceMs = SLICE_MS,
  ) {}

  get viewerCount(): number {
    let n = 0;
    for (const set of this.#viewers.values()) n += set.size;
    return n;
  }

  /**
   * The launch's figures at most one tick old, computed at most once per tick however many
   * ask (viewers and snapshot readers alike); null when there is no such launch.
   */
  snapshot(launchId: string): Promise<LiveSnapshot | null> {
    const hit = this.#snapshots.get(launchId);
    if (hit !== undefined && performance.now() - hit.computedAt < this.tickMs) {
      return Promise.resolve(hit);
    }
    let computing = this.#computing.get(launchId);
    if (computing === undefined) {
      computing = this.#compute(launchId);
      this.#computing.set(launchId, computing);
      const done = (): void => void this.#computing.delete(launchId);
      computing.then(done, done);
    }
    return computing;
  }

  async #compute(launchId: string): Promise<LiveSnapshot | null> {
    this.computations++;
    const frame = await this.compute(launchId);
    if (frame === null) {
      this.#snapshots.delete(launchId);
      return null;
    }
    const json = Buffer.from(JSON.stringify(frame));
    const whole = event(frame);
    const tail = event(withTail(frame, TAIL_POINTS));
    const snap: LiveSnapshot = {
      json, etag: `"${createHash('sha1').update(json).digest('base64url')}"`,
      computedAt: performance.now(), whole, tail, wholeChunk: chunk(whole),
      tailChunk: chunk(tail), shape: `${frame.opens_at} ${frame.series.step_s}`,
    };
    this.#snapshots.set(launchId, snap);
    return snap;
  }

  /**
   * Adds a viewer; false when the hub is full (the caller answers `live_viewers_full`). Sends
   * the current figures, with the whole series, at once.
   */
  async subscribe(launchId: string, res: ServerResponse): Promise<boolean> {
    // Closed (the process is stopping): a new viewer polls the snapshot meanwhile.
    if (this.#closed || this.viewerCount >= this.viewersMax) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    // Frames go to the socket as prepared chunks: node:http's own write of each chunk to each
    // of 10,000 viewers costs several times the socket's. Only where node:http frames the
    // reply in chunks (HTTP/1.1), after the head and the first chunk are out.
    const direct = res.chunkedEncoding === true && res.socket ? res.socket : null;
    const viewer: Viewer = { res, socket: direct, missed: 0 };
    let set = this.#viewers.get(launchId);
    if (!set) this.#viewers.set(launchId, (set = new Set()));
    set.add(viewer);
    res.on('close', () => {
      set!.delete(viewer);
      if (set!.size === 0) this.#viewers.delete(launchId);
    });
    const snap = await this.snapshot(launchId).catch(() => null);
    if (snap !== null) res.write(snap.whole);
    this.#timer ??= setInterval(() => void this.tick(), this.tickMs);
    return true;
  }

  async tick(): Promise<void> {
    if (this.#viewers.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
      return;
    }
    // A tick whose writes are still going (a slow loop) is not overtaken by the next.
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const [launchId, viewers] of this.#viewers) {
        // The store out of reach: viewers keep the last figures until it answers again. A
        // rejection here would be unhandled (the timer's `void`) and end the process.
        this.#snapshots.delete(launchId);
        const snap = await this.snapshot(launchId).catch(() => null);
        if (snap === null) continue;
        const whole = this.#shapeSent.get(launchId) !== snap.shape;
        this.#shapeSent.set(launchId, snap.shape);
        await this.#send([...viewers], whole ? snap.whole : snap.tail,
          whole ? snap.wholeChunk : snap.tailChunk);
      }
    } finally {
      this.#ticking = false;
    }
  }

  /**
   * Writes the frame to each viewer (`bytes` through its reply, or `chunked` to its socket),
   * yielding to the event loop after each `sliceMs`.
   */
  async #send(list: Viewer[], bytes: Buffer, chunked: Buffer): Promise<void> {
    let sliceStart = performance.now();
    const stats = { writes: list.length, slices: 1, writeMs: 0, longestSliceMs: 0, cpuMs: 0,
      longestSliceCpuMs: 0 };
    let sliceCpu = process.cpuUsage();
    const endSlice = (): void => {
      const ms = performance.now() - sliceStart;
      const used = process.cpuUsage(sliceCpu);
      const cpuMs = (used.user + used.system) / 1000;
      stats.writeMs += ms;
      stats.cpuMs += cpuMs;
      stats.longestSliceMs = Math.max(stats.longestSliceMs, ms);
      stats.longestSliceCpuMs = Math.max(stats.longestSliceCpuMs, cpuMs);
    };
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const out = v.socket ?? v.res;
      if (out.destroyed) continue;
      if (!out.writableNeedDrain) {
        v.missed = 0;
        if (v.socket) v.socket.write(chunked);
        else v.res.write(bytes);
      } else if (v.missed < this.stalledFramesMax) {
        v.missed++;
      } else {
        out.destroy();
      }
      // Reading the clock costs about 30 ns: every 16 writes keeps it well under a write's cost.
      if ((i & 15) === 15 && performance.now() - sliceStart >= this.sliceMs) {
        endSlice();
        this.yields++;
        stats.slices++;
        await new Promise<void>((r) => setImmediate(r));
        sliceStart = performance.now();
        sliceCpu = process.cpuUsage();
      }
    }
    endSlice();
    this.lastTick = stats;
  }

  /**
   * Ends every stream and takes no new viewer: called first when the process stops, since a
   * server waits for its open connections and a stream never ends by itself (60 s at most).
   */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const set of this.#viewers.values()) for (const v of set) v.res.end();
    this.#viewers.clear();
  }
}
