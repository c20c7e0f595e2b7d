// Whether the store answers, as readiness and /health report it. Traffic tells first: a write or
// read that fails for want of the store marks it unreachable at once, a committed batch marks it
// reachable again. Without traffic (a process taken out of rotation gets none) a probe asks the
// store itself, at most once per `probeIntervalMs`, so that probes never load it.

/** How the store looks from this process now. */
export type StoreState = 'reachable' | 'unreachable';

export interface StoreHealthOptions {
  /**
   * Writes something tiny through the store's write path and resolves once it committed;
   * rejects when the store cannot take writes (a read alone would miss a full disk).
   */
  readonly probe: () => Promise<void>;
  /** Least time between two probes (ms, monotonic). */
  readonly probeIntervalMs: number;
  /** How long a probe may take before the store counts as unreachable (ms). */
  readonly probeTimeoutMs: number;
  /** Monotonic milliseconds; the simulated clock does not move these. */
  readonly nowMs?: () => number;
}

export class StoreHealth {
  #state: StoreState = 'reachable';
  /** When the state was last learnt, from traffic or a probe. */
  #learntAtMs = -Infinity;
  #probing: Promise<StoreState> | null = null;
  readonly #now: () => number;

  constructor(private readonly options: StoreHealthOptions) {
    this.#now = options.nowMs ?? (() => performance.now());
  }

  /** The state as last learnt, without asking the store. */
  get state(): StoreState {
    return this.#state;
  }

  /** Traffic found the store out of reach. */
  failed(): void {
    this.#state = 'unreachable';
    this.#learntAtMs = this.#now();
  }

  /** Traffic reached the store. */
  succeeded(): void {
    this.#state = 'reachable';
    this.#learntAtMs = this.#now();
  }

  /** The state, probed first when it was last learnt longer than the interval ago. */
  check(): Promise<StoreState> {
    if (this.#now() - this.#learntAtMs < this.options.probeIntervalMs) {
      return Promise.resolve(this.#state);
    }
    this.#probing ??= this.#probe().finally(() => { this.#probing = null; });
    return this.#probing;
  }

  async #probe(): Promise<StoreState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('probe timed out')), this.options.probeTimeoutMs);
    });
    try {
      await Promise.race([this.options.probe(), timeout]);
      this.succeeded();
    } catch {
      this.failed();
    } finally {
      clearTimeout(timer);
    }
    return this.#state;
  }
}
