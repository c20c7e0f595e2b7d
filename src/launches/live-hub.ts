// Live figures as server-sent events. Each launch with viewers costs one computation per tick,
// however many watch: the same bytes go to every viewer.
//
// A viewer whose connection is not taking what it is sent (its stream has not drained) misses
// frames rather than have them queued in memory: each frame holds the whole current figures,
// so the next one it takes brings it up to date. One that misses `stalledFramesMax` frames in
// a row is disconnected, and its place goes to someone who watches.
import type { ServerResponse } from 'node:http';

export class LiveHub {
  /** Each launch's viewers, with the frames each has missed in a row. */
  readonly #viewers = new Map<string, Map<ServerResponse, number>>();
  #timer: NodeJS.Timeout | null = null;
  /** Figures computed so far: one per launch per tick, however many watch (tested). */
  computations = 0;

  constructor(
    private readonly compute: (launchId: string) => Promise<unknown>,
    private readonly viewersMax: number,
    private readonly stalledFramesMax = 30,
    private readonly tickMs = 1_000,
  ) {}

  get viewerCount(): number {
    let n = 0;
    for (const set of this.#viewers.values()) n += set.size;
    return n;
  }

  /** Adds a viewer; false when the hub is full. Sends the current figures at once. */
  async subscribe(launchId: string, res: ServerResponse): Promise<boolean> {
    if (this.viewerCount >= this.viewersMax) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    let set = this.#viewers.get(launchId);
    if (!set) this.#viewers.set(launchId, (set = new Map()));
    set.set(res, 0);
    res.on('close', () => {
      set!.delete(res);
      if (set!.size === 0) this.#viewers.delete(launchId);
    });
    res.write(await this.#frame(launchId));
    this.#timer ??= setInterval(() => void this.tick(), this.tickMs);
    return true;
  }

  async #frame(launchId: string): Promise<string> {
    this.computations++;
    return `event: stats\ndata: ${JSON.stringify(await this.compute(launchId))}\n\n`;
  }

  async tick(): Promise<void> {
    if (this.#viewers.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
      return;
    }
    for (const [launchId, viewers] of this.#viewers) {
      // The store out of reach: viewers keep the last figures until it answers again. A
      // rejection here would be unhandled (the timer's `void`) and end the process.
      const frame = await this.#frame(launchId).catch(() => null);
      if (frame === null) continue;
      for (const [res, missed] of viewers) {
        if (!res.writableNeedDrain) {
          viewers.set(res, 0);
          res.write(frame);
        } else if (missed < this.stalledFramesMax) {
          viewers.set(res, missed + 1);
        } else {
          res.destroy();
        }
      }
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const set of this.#viewers.values()) for (const res of set.keys()) res.end();
    this.#viewers.clear();
  }
}
