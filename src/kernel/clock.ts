// The clock is injected everywhere so that rules are functions of time and tests move time by tick.

export interface Clock {
  nowMs(): number;
  readonly simulated: boolean;
}

export const systemClock: Clock = { nowMs: () => Date.now(), simulated: false };

/** A clock that only moves when told to: for tests and for demonstrations. */
export class SimulatedClock implements Clock {
  readonly simulated = true;
  #nowMs: number;

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  tick(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('a clock only moves forward');
    this.#nowMs += ms;
    return this.#nowMs;
  }
}
