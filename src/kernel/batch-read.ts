// Lookups of many keys gathered into one read, as group commit gathers writes: at most one read
// runs at a time; keys asked for while it runs wait for the next, which starts when it ends and
// takes up to `batchKeysMax` of them. Each caller gets a read that started after it asked (never
// an older answer), and a crowd of lookups costs a few reads instead of one each: on PostgreSQL
// 256 requests at once each waited for one of the pool's 10 connections to read one row.

interface Waiter<V> {
  readonly resolve: (v: V | undefined) => void;
  readonly reject: (e: unknown) => void;
}

export class BatchRead<V> {
  #running = false;
  #waiting = new Map<string, Array<Waiter<V>>>();

  /** `read`: the values of the keys found (a key absent from the map was not found). */
  constructor(private readonly read: (keys: readonly string[]) => Promise<Map<string, V>>,
    private readonly batchKeysMax: number) {}

  /** The value of `key` (undefined: not found), from a read that starts no earlier than this. */
  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const w = this.#waiting.get(key);
      if (w) w.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.size > 0) {
        const batch = new Map<string, Array<Waiter<V>>>();
        for (const [k, w] of this.#waiting) {
          if (batch.size >= this.batchKeysMax) break;
          batch.set(k, w);
        }
        for (const k of batch.keys()) this.#waiting.delete(k);
        try {
          const found = await this.read([...batch.keys()]);
          for (const [k, ws] of batch) for (const w of ws) w.resolve(found.get(k));
        } catch (e) {
          for (const ws of batch.values()) for (const w of ws) w.reject(e);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
