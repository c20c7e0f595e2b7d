// The storm guard: new connections first while the kernel's accept queue is long.
//
// In the opening second thousands of phones connect while hundreds of kept-alive connections
// place orders. Every event-loop turn reads a request from each of those order connections, so
// the turns grow long, the server accepts fewer connections than arrive, the kernel's accept
// queue (Limits.listenBacklog) fills, and the SYNs past it are dropped and sent again by the
// phone after 1 s, then 3 s (docs/benchmarks.md, "The storm while orders flow").
//
// The trigger is a reading of that queue. libuv accepts in a loop until EAGAIN in one callback,
// so the connections accepted in one event-loop turn are the queue's length when the loop came
// round to it (plus the few that arrived meanwhile). A turn that accepts `acceptsPerTurnMin` or
// more starts (or prolongs) a storm; a storm ends `windowMs` after the last such turn. An earlier
// trigger counted the connections accepted per 100 ms and never fired: a server behind its
// queue accepts fewer than arrive, whatever the queue holds.
//
// What a storm does: time is cut in windows of `windowMs`; in a storm a kept-alive connection
// begins at most one request per window. Its next request waits, read no further (its bytes
// stay in the kernel), until the next window, when each waiting connection is given one more.
// A connection's first request is never held. Nothing is refused or dropped, and a request
// once begun completes as before: the guard only decides when the next one is read.
//
// Pure: the clock is injected; the lane (http-lane.ts) tells it of each turn's accepts.

/** The storm guard's settings, from the Limits table (config.ts). */
export interface StormLimits {
  /**
   * Connections accepted in one event-loop turn that mean the accept queue is long: a storm.
   * Limits.stormAcceptsPerTurnMin; 0: never a storm (the guard is off).
   */
  readonly acceptsPerTurnMin: number;
  /**
   * A window, ms: in a storm a kept-alive connection begins at most one request per window,
   * and a storm ends this long after its last long turn. Limits.stormWindowMs.
   */
  readonly windowMs: number;
}

export class StormGuard {
  /** Monotonic ms until which the storm lasts; -Infinity: none so far. */
  #until = -Infinity;
  /** Storms begun since start, and long turns seen (for the metrics and the tests). */
  storms = 0;
  longTurns = 0;

  /** `nowMs`: a monotonic clock in ms (performance.now in the server; a test's own). */
  constructor(readonly limits: StormLimits, readonly nowMs: () => number) {}

  /** An event-loop turn accepted `accepts` connections. */
  turnAccepted(accepts: number): void {
    if (this.limits.acceptsPerTurnMin === 0 || accepts < this.limits.acceptsPerTurnMin) return;
    const now = this.nowMs();
    this.longTurns++;
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
