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
import { withTail } from './live-series.js';
/**
 * The longest run of writes by the clock before the hub yields to the event loop. Half a
 * millisecond: with 1 ms the longest run, in CPU time (the kernel's work for each write and the
 * process's other threads included), came to 2.2 ms; the loop is to be held 1-2 ms at most.
 */
export const SLICE_MS = 0.5;
/** Series points in a frame after a viewer's first (a whole series is in the first). */
export const TAIL_POINTS = 15;
const event = (frame) => Buffer.from(`event: stats\ndata: ${JSON.stringify(frame)}\n\n`);
const chunk = (bytes) => Buffer.concat([
    Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')
]);
export class LiveHub {
    compute;
    viewersMax;
    stalledFramesMax;
    tickMs;
    sliceMs;
    /** Each launch's viewers. */
    #viewers = new Map();
    /** The newest snapshot of each launch, and the one being computed. */
    #snapshots = new Map();
    #computing = new Map();
    /** The shape each launch's viewers were last sent. */
    #shapeSent = new Map();
    #timer = null;
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
    constructor(compute, viewersMax, stalledFramesMax = 30, tickMs = 1_000, sliceMs = SLICE_MS) {
        this.compute = compute;
        this.viewersMax = viewersMax;
        this.stalledFramesMax = stalledFramesMax;
        this.tickMs = tickMs;
        this.sliceMs = sliceMs;
    }
    get viewerCount() {
        let n = 0;
        for (const set of this.#viewers.values())
            n += set.size;
        return n;
    }
    /**
     * The launch's figures at most one tick old, computed at most once per tick however many
     * ask (viewers and snapshot readers alike); null when there is no such launch.
     */
    snapshot(launchId) {
        const hit = this.#snapshots.get(launchId);
        if (hit !== undefined && performance.now() - hit.computedAt < this.tickMs) {
            return Promise.resolve(hit);
        }
        let computing = this.#computing.get(launchId);
        if (computing === undefined) {
            computing = this.#compute(launchId);
            this.#computing.set(launchId, computing);
            const done = () => void this.#computing.delete(launchId);
            computing.then(done, done);
        }
        return computing;
    }
    async #compute(launchId) {
        this.computations++;
        const frame = await this.compute(launchId);
        if (frame === null) {
            this.#snapshots.delete(launchId);
            return null;
        }
        const json = Buffer.from(JSON.stringify(frame));
        const whole = event(frame);
        const tail = event(withTail(frame, TAIL_POINTS));
        const snap = {
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
    async subscribe(launchId, res) {
        if (this.viewerCount >= this.viewersMax)
            return false;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        res.write('retry: 2000\n\n');
        // Frames go to the socket as prepared chunks: node:http's own write of each chunk to each
        // of 10,000 viewers costs several times the socket's. Only where node:http frames the
        // reply in chunks (HTTP/1.1), after the head and the first chunk are out.
        const direct = res.chunkedEncoding === true && res.socket ? res.socket : null;
        const viewer = { res, socket: direct, missed: 0 };
        let set = this.#viewers.get(launchId);
        if (!set)
            this.#viewers.set(launchId, (set = new Set()));
        set.add(viewer);
        res.on('close', () => {
            set.delete(viewer);
            if (set.size === 0)
                this.#viewers.delete(launchId);
        });
        const snap = await this.snapshot(launchId).catch(() => null);
        if (snap !== null)
            res.write(snap.whole);
        this.#timer ??= setInterval(() => void this.tick(), this.tickMs);
        return true;
    }
    async tick() {
        if (this.#viewers.size === 0 && this.#timer) {
            clearInterval(this.#timer);
            this.#timer = null;
            return;
        }
        // A tick whose writes are still going (a slow loop) is not overtaken by the next.
        if (this.#ticking)
            return;
        this.#ticking = true;
        try {
            for (const [launchId, viewers] of this.#viewers) {
                // The store out of reach: viewers keep the last figures until it answers again. A
                // rejection here would be unhandled (the timer's `void`) and end the process.
                this.#snapshots.delete(launchId);
                const snap = await this.snapshot(launchId).catch(() => null);
                if (snap === null)
                    continue;
                const whole = this.#shapeSent.get(launchId) !== snap.shape;
                this.#shapeSent.set(launchId, snap.shape);
                await this.#send([...viewers], whole ? snap.whole : snap.tail, whole ? snap.wholeChunk : snap.tailChunk);
            }
        }
        finally {
            this.#ticking = false;
        }
    }
    /**
     * Writes the frame to each viewer (`bytes` through its reply, or `chunked` to its socket),
     * yielding to the event loop after each `sliceMs`.
     */
    async #send(list, bytes, chunked) {
        let sliceStart = performance.now();
        const stats = { writes: list.length, slices: 1, writeMs: 0, longestSliceMs: 0, cpuMs: 0,
            longestSliceCpuMs: 0 };
        let sliceCpu = process.cpuUsage();
        const endSlice = () => {
            const ms = performance.now() - sliceStart;
            const used = process.cpuUsage(sliceCpu);
            const cpuMs = (used.user + used.system) / 1000;
            stats.writeMs += ms;
            stats.cpuMs += cpuMs;
            stats.longestSliceMs = Math.max(stats.longestSliceMs, ms);
            stats.longestSliceCpuMs = Math.max(stats.longestSliceCpuMs, cpuMs);
        };
        for (let i = 0; i < list.length; i++) {
            const v = list[i];
            const out = v.socket ?? v.res;
            if (out.destroyed)
                continue;
            if (!out.writableNeedDrain) {
                v.missed = 0;
                if (v.socket)
                    v.socket.write(chunked);
                else
                    v.res.write(bytes);
            }
            else if (v.missed < this.stalledFramesMax) {
                v.missed++;
            }
            else {
                out.destroy();
            }
            // Reading the clock costs about 30 ns: every 16 writes keeps it well under a write's cost.
            if ((i & 15) === 15 && performance.now() - sliceStart >= this.sliceMs) {
                endSlice();
                this.yields++;
                stats.slices++;
                await new Promise((r) => setImmediate(r));
                sliceStart = performance.now();
                sliceCpu = process.cpuUsage();
            }
        }
        endSlice();
        this.lastTick = stats;
    }
    close() {
        if (this.#timer)
            clearInterval(this.#timer);
        this.#timer = null;
        for (const set of this.#viewers.values())
            for (const v of set)
                v.res.end();
        this.#viewers.clear();
    }
}
//# sourceMappingURL=live-hub.js.map