// Automatic re-plans run one at a time, and requests made while one runs are coalesced into one
// run after it: that run reads the plans, centres and queue after every change that asked for
// it, so no change is left unplanned, and a burst of edits costs two re-plans, not one each.

/** Why a re-plan was asked for: who, the cause (`plan`, `centre`, `manual`, `periodic`), why. */
export interface ReplanRequest {
  readonly actor: string;
  readonly cause: string;
  readonly reason: string;
}

/**
 * Coalesces re-plan requests around one runner. `request` answers with the run that covers the
 * request: the one about to start when none is running, otherwise the next one (queued behind
 * the run in flight, which may have read its inputs before the caller's change), shared by
 * every request made meanwhile. A run's failure is its own callers'; the next still runs.
 */
export class ReplanCoalescer<T> {
  #inFlight: Promise<T> | null = null;
  #queued: { readonly promise: Promise<T>; readonly requests: ReplanRequest[] } | null = null;

  constructor(private readonly run: (requests: readonly ReplanRequest[]) => Promise<T>) {}

  /** Whether a run is in flight or queued. */
  get busy(): boolean {
    return this.#inFlight !== null || this.#queued !== null;
  }

  request(r: ReplanRequest): Promise<T> {
    if (this.#queued !== null) {
      this.#queued.requests.push(r);
      return this.#queued.promise;
    }
    if (this.#inFlight === null) return this.#start([r]);
    const requests = [r];
    const promise = this.#inFlight.then(() => undefined, () => undefined).then(() => {
      this.#queued = null;
      return this.#start(requests);
    });
    this.#queued = { promise, requests };
    return promise;
  }

  /** Resolves once nothing is in flight or queued (for a clean close). */
  async idle(): Promise<void> {
    while (this.busy) {
      await (this.#queued?.promise ?? this.#inFlight)?.then(() => undefined, () => undefined);
    }
  }

  #start(requests: readonly ReplanRequest[]): Promise<T> {
    const p = this.run(requests);
    this.#inFlight = p;
    const clear = (): void => {
      if (this.#inFlight === p) this.#inFlight = null;
    };
    p.then(clear, clear);
    return p;
  }
}

/**
 * One request standing for several coalesced ones: the first's actor, the distinct causes
 * joined by `+`, the distinct reasons joined by `; `.
 */
export function mergedRequest(requests: readonly ReplanRequest[]): ReplanRequest {
  const distinct = (xs: string[]): string[] => [...new Set(xs.filter((x) => x !== ''))];
  return { actor: requests[0]!.actor,
    cause: distinct(requests.map((r) => r.cause)).join('+'),
    reason: distinct(requests.map((r) => r.reason)).join('; ') };
}
