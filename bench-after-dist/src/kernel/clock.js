// The clock is injected everywhere so that rules are functions of time and tests move time by tick.
export const systemClock = { nowMs: () => Date.now(), simulated: false };
/** A clock that only moves when told to: for tests and for demonstrations. */
export class SimulatedClock {
    simulated = true;
    #nowMs;
    constructor(startMs) {
        this.#nowMs = startMs;
    }
    nowMs() {
        return this.#nowMs;
    }
    tick(ms) {
        if (!(ms >= 0))
            throw new RangeError('a clock only moves forward');
        this.#nowMs += ms;
        return this.#nowMs;
    }
}
//# sourceMappingURL=clock.js.map