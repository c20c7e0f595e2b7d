// What PostgreSQL's backends are doing during the drop race (bench/drop-benchmark.ts, with
// --database-url): pg_stat_activity sampled every SAMPLE_INTERVAL_MS from a connection of its
// own, so the profile of the drop's row lock across two processes is seen from the database's
// side. Each sample says how many backends of the scratch database wait for a lock, and what
// the backends they wait for are doing: executing a statement (`active`), or holding the lock
// while they wait for their API process to send the next statement (`idle in transaction`):
// the second is time the lock is held for the event loop, not for the database. One query per
// sample, on the same two cores: it costs the race a little, the same in every build.
import pg from 'pg';

/** Milliseconds between two samples of pg_stat_activity. */
const SAMPLE_INTERVAL_MS = 20;

const SAMPLE = `SELECT a.pid, a.state, a.wait_event_type AS wait, left(a.query, 60) AS query,
  pg_blocking_pids(a.pid) AS blockers FROM pg_stat_activity a
  WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
  AND a.backend_type = 'client backend'`;

interface Backend {
  readonly pid: number;
  readonly state: string | null;
  readonly wait: string | null;
  readonly query: string;
  readonly blockers: number[];
}

interface Sample {
  /** performance.now() when the sample was answered. */
  readonly atMs: number;
  readonly backends: readonly Backend[];
}

export class PgActivity {
  readonly #client: pg.Client;
  readonly #samples: Sample[] = [];
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(url: string) {
    this.#client = new pg.Client({ connectionString: url });
  }

  async start(): Promise<void> {
    await this.#client.connect();
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const r = await this.#client.query(SAMPLE);
        this.#samples.push({ atMs: performance.now(), backends: r.rows as Backend[] });
        await new Promise((res) => setTimeout(res, SAMPLE_INTERVAL_MS));
      }
    })().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#client.end().catch(() => undefined);
  }

  /**
   * A line on the samples between `fromMs` and `toMs` (performance.now()): backends waiting on
   * a lock per sample, what their blockers were doing, and the statements the holders last ran.
   */
  report(fromMs: number, toMs: number): string {
    const within = this.#samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
    if (within.length === 0) return 'no samples';
    let waiting = 0;
    let inTx = 0;
    let active = 0;
    let withWaiters = 0;
    const holderStates = new Map<string, number>();
    const holderQueries = new Map<string, number>();
    for (const s of within) {
      const byPid = new Map(s.backends.map((b) => [b.pid, b]));
      const waiters = s.backends.filter((b) => b.wait === 'Lock');
      waiting += waiters.length;
      inTx += s.backends.filter((b) => b.state === 'idle in transaction').length;
      active += s.backends.filter((b) => b.state === 'active' && b.wait !== 'Lock').length;
      if (waiters.length > 0) withWaiters++;
      // The holders: blockers that are not themselves waiting on a lock (the head of the queue).
      const heads = new Set<number>();
      for (const w of waiters) {
        for (const p of w.blockers) if (byPid.get(p)?.wait !== 'Lock') heads.add(p);
      }
      for (const p of heads) {
        const h = byPid.get(p);
        const state = h?.state ?? 'gone';
        holderStates.set(state, (holderStates.get(state) ?? 0) + 1);
        const q = (h?.query ?? '').replace(/\s+/g, ' ').slice(0, 40);
        holderQueries.set(q, (holderQueries.get(q) ?? 0) + 1);
      }
    }
    const n = within.length;
    const heads = [...holderStates.values()].reduce((a, b) => a + b, 0);
    const share = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 4)
      .map(([k, v]) => `${k || '?'} ${(100 * v / Math.max(1, heads)).toFixed(0)}%`).join(', ');
    return `${n} samples (every ${SAMPLE_INTERVAL_MS} ms): a lock waited for in ${
      (100 * withWaiters / n).toFixed(0)}% of them, ${(waiting / n).toFixed(2)} backends `
      + `waiting on a lock per sample (~${(waiting * SAMPLE_INTERVAL_MS).toFixed(0)} backend-ms), `
      + `${(inTx / n).toFixed(2)} idle in transaction, ${(active / n).toFixed(2)} running; `
      + `the lock's holder was: ${share(holderStates)}; its last statement: ${
        share(holderQueries)}`;
  }
}
