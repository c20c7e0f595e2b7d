// Reads shared by the requests that wait for them, as group commit shares a commit: per key, a
// read begins at the end of the event-loop turn it was asked in (setImmediate), for every
// caller of that turn, and at most one runs at a time; a caller arriving while one runs waits
// for the next, which begins once the running one has ended. So each caller gets a read that
// began after it arrived (never an older answer), and a crowd costs a few reads.
//
// Why at the turn's end: SQLite's reads answer at once, so a read begun at the call had always
// ended before the next request of the same turn arrived, and the first wave of a drop's opening
// (512 requests in one turn) cost 512 reads of the stock, a quarter of the event loop's first
// 120 ms (docs/benchmarks.md, "Session 13: drop race"). Group commit waits for the same point.

/** Runs `f` once the event loop's current turn has read its I/O (setImmediate). */
export type Soon = (f: () => void) => void;

const turnEnd: Soon = (f) => { setImmediate(f); };

export class GroupRead<T> {
  /** The read asked for and not yet begun, per key: every caller until it begins shares it. */
  readonly #asked = new Map<string, Promise<T>>();
  readonly #running = new Map<string, Promise<T>>();

  /** `soon`: when a read asked for begins (the turn's end; a test passes its own). */
  constructor(private readonly read: (key: string) => Promise<T>,
    private readonly soon: Soon = turnEnd) {}

  /** A read of `key` that begins no earlier than this call. */
  get(key: string): Promise<T> {
    const asked = this.#asked.get(key);
    if (asked) return asked;
    const running = this.#running.get(key);
    const turnEnds = () => new Promise<void>((r) => this.soon(r));
    const begins = running ? running.then(turnEnds, turnEnds) : turnEnds();
    const p = begins.then(() => {
      this.#asked.delete(key);
      const r = this.read(key);
      this.#running.set(key, r);
      const done = (): void => {
        if (this.#running.get(key) === r) this.#running.delete(key);
      };
      r.then(done, done);
      return r;
    });
    this.#asked.set(key, p);
    return p;
  }
}
