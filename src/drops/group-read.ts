// Reads shared by the requests that wait for them, as group commit shares a commit: per key, at
// most one read runs, and a caller arriving while it runs waits for the next one, which starts
// when the running one ends and serves every caller that arrived meanwhile. So each caller gets
// a read that started after it arrived (never an older answer), and a crowd costs a few reads.

export class GroupRead<T> {
  readonly #running = new Map<string, Promise<T>>();
  readonly #next = new Map<string, Promise<T>>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  /** A read of `key` that starts no earlier than this call. */
  get(key: string): Promise<T> {
    const next = this.#next.get(key);
    if (next) return next;
    const running = this.#running.get(key);
    if (!running) return this.#start(key);
    const queued = running.then(() => undefined, () => undefined).then(() => {
      this.#next.delete(key);
      return this.#start(key);
    });
    this.#next.set(key, queued);
    return queued;
  }

  #start(key: string): Promise<T> {
    const p = this.read(key);
    this.#running.set(key, p);
    const done = (): void => {
      if (this.#running.get(key) === p) this.#running.delete(key);
    };
    p.then(done, done);
    return p;
  }
}
