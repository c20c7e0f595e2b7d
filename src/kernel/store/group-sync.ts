// Group fsync: makes a file durable for every caller that wrote to it, with one fdatasync in
// libuv's thread pool covering all writes made before it started. The event loop never waits on
// the disk, and a stampede costs one flush per round, not one per commit.
import { fdatasync, fdatasyncSync } from 'node:fs';

export class GroupSync {
  /** Writes counted so far, and how many of them are known to be on disk. */
  #written = 0;
  #synced = 0;
  #waiters: Array<{ upTo: number; resolve: () => void; reject: (err: unknown) => void }> = [];
  #running = false;
  rounds = 0;

  constructor(readonly fd: () => number) {}

  /** Records that a write (a commit) reached the file. */
  wrote(): void {
    this.#written++;
  }

  /** Resolves once every write recorded before this call is on disk. */
  durable(): Promise<void> {
    const upTo = this.#written;
    if (this.#synced >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ upTo, resolve, reject });
      if (!this.#running) this.#round();
    });
  }

  /**
   * Flushes every write recorded so far now, on this thread, which waits for the disk: for a
   * thread that has nothing else to do meanwhile (the SQLite writer thread).
   */
  flushNow(): void {
    const upTo = this.#written;
    if (this.#synced >= upTo) return;
    fdatasyncSync(this.fd());
    this.rounds++;
    this.#synced = Math.max(this.#synced, upTo);
  }

  #round(): void {
    this.#running = true;
    const upTo = this.#written;
    fdatasync(this.fd(), (err) => {
      this.rounds++;
      const waiting = this.#waiters;
      this.#waiters = [];
      if (err) {
        for (const w of waiting) w.reject(err);
      } else {
        this.#synced = Math.max(this.#synced, upTo);
        for (const w of waiting) {
          if (w.upTo <= upTo) w.resolve();
          else this.#waiters.push(w);
        }
      }
      if (this.#waiters.length > 0) this.#round();
      else this.#running = false;
    });
  }
}
