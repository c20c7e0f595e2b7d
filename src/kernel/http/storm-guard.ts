// The storm guard: new connections first while the kernel's accept queue is long.
//
// In the opening second thousands of phones connect while hundreds of kept-alive connections
// place orders. Every event-loop turn reads a request from each of those order connections, so
// the turns grow long, the server accepts fewer connections than arrive, the kernel's accept
// queue (Limits.listenBacklog) fills, and the SYNs past it are dropped and sent again by the
// phone after 1 s, then 3 s (docs/benchmarks.md, "The storm while orders flow").
//
// The trigger is a reading of that queue: the kernel's own count of the connections it completed
// and the process has not accepted (listen-queue.ts, from /proc/net/tcp). A reading of
// `queueMin` or more starts (or prolongs) a storm; a storm ends `windowMs` after the last such
// reading. Two triggers that count accepts cannot see it: node 20 (libuv 1.46) accepts one
// connection per event-loop turn (strace: accept4 and epoll_pwait alternate, never EAGAIN), so
// a count per turn is always 1, and a count per 100 ms is the turn rate, which is what falls
// behind (docs/benchmarks.md, "The storm guard").
//
// What a storm does: time is cut in windows of `windowMs`; in a storm a kept-alive connection
// begins at most one request per window. Its next request waits, read no further (its bytes
// stay in the kernel), until the next window, when each waiting connection is given one more.
// A connection's first request is never held. Nothing is refused or dropped, and a request
// once begun completes as before: the guard only decides when the next one is read.
//
// Pure: the clock is injected; the lane (http-lane.ts) tells it each reading of the queue.

/** The storm guard's settings, from the Limits table (config.ts). */
export interface StormLimits {
  /**
   * Connections waiting in the accept queue that mean a storm. Limits.stormQueueMin; 0: never a
   * storm (the guard is off).
   */
  readonly queueMin: number;
  /**
   * A window, ms: in a storm a kept-alive connection begins at most one request per window,
   * and a storm ends this long after the last long queue read. Limits.stormWindowMs.
   */
  readonly windowMs: number;
}

export class StormGuard {
  /** Monotonic ms until which the storm lasts; -Infinity: none so far. */
  #until = -Infinity;
  /** Storms begun since start, and readings of a long queue (for the metrics and the tests). */
  storms = 0;
  longQueues = 0;

  /** `nowMs`: a monotonic clock in ms (performance.now in the server; a test's own). */
  constructor(readonly limits: StormLimits, readonly nowMs: () => number) {}

  /** The accept queue held `length` connections just now. */
  queueRead(length: number): void {
    if (this.limits.queueMin === 0 || length < this.limits.queueMin) return;
    const now = this.nowMs();
    this.longQueues++;
    if (now >= this.#until) this.storms++;
    this.#until = now + this.limits.windowMs;
  }

  /** True while a storm lasts. */
  get storm(): boolean {
    return this.nowMs() < this.#until;
  }

  /** The window `nowMs` falls in: a number that changes every `windowMs`. */
  window(): number {
    return Math.floor(this.nowMs() / this.limits.windowMs);
  }

  /** Ms from now to the start of the next window (at least 1). */
  msToNextWindow(): number {
    const w = this.limits.windowMs;
    return Math.max(1, Math.ceil(w - (this.nowMs() % w)));
  }

  /**
   * Whether a kept-alive connection whose last request began in window `lastWindow` may begin
   * another now; null for a connection that has begun none (its first is never held).
   */
  mayBegin(lastWindow: number | null): boolean {
    return lastWindow === null || !this.storm || lastWindow !== this.window();
  }
}
