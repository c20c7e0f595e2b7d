// API processes that a fault campaign kills with SIGKILL and starts again on the same port, as a
// supervisor (systemd, Kubernetes) would. Each restarted process keeps its address, so the
// simulator's clients see a refused or broken connection and retry, as phones would.
import type { ChildProcess } from 'node:child_process';
import { ONE_ADDRESS_LOAD_ENV, startOne, stopChild } from './server-process.js';

const OUTPUT_TAIL_LINES = 20;

interface Slot {
  child: ChildProcess;
  url: string;
  port: string;
  tail: string[];
  /** Set just before we kill it, so its exit is not taken for a crash of its own. */
  killedByUs: boolean;
}

export class FaultServers {
  private readonly slots: Slot[] = [];
  private stopping = false;
  /** Exits nobody asked for (a process that gave up on its database, say), with their tails. */
  readonly unplannedExits: string[] = [];
  kills = 0;
  restarts = 0;

  private constructor(private readonly env: Readonly<Record<string, string>>) {}

  /**
   * Starts `processes` API processes with `env` (LAUNCHDAY_* settings: store, token, clock). The
   * first one alone, so that it creates the schema before the others start.
   */
  static async start(env: Readonly<Record<string, string>>, processes: number):
    Promise<FaultServers> {
    const s = new FaultServers(env);
    try {
      for (let i = 0; i < processes; i++) s.slots.push(await s.spawn('0'));
    } catch (e) {
      await s.stop();
      throw e;
    }
    return s;
  }

  get urls(): string[] {
    return this.slots.map((s) => s.url);
  }

  get processes(): number {
    return this.slots.length;
  }

  private async spawn(port: string, extraEnv: Readonly<Record<string, string>> = {}):
    Promise<Slot> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('LAUNCHDAY_')) env[k] = v;
    }
    // Every simulated buyer comes from 127.0.0.1: per-address limits off, as for the simulator.
    Object.assign(env, { LAUNCHDAY_HOST: '127.0.0.1', LAUNCHDAY_DEMO_LAUNCH: 'off',
      LAUNCHDAY_RATE_LIMITS: 'per-address-off', ...ONE_ADDRESS_LOAD_ENV, ...this.env,
      ...extraEnv, LAUNCHDAY_PORT: port });
    const { child, url, tail } = await startOne(env);
    const slot: Slot = { child, url, port: new URL(url).port, tail, killedByUs: false };
    child.on('exit', (code, signal) => {
      if (this.stopping || slot.killedByUs) return;
      this.unplannedExits.push(`API process ${child.pid} (${url}) exited with ` +
        `${code ?? signal}; its last lines:\n${tail.slice(-OUTPUT_TAIL_LINES).join('\n')}`);
    });
    return slot;
  }

  /** SIGKILL process `i`, and wait until it is gone. */
  async kill(i: number): Promise<void> {
    const slot = this.slots[i]!;
    slot.killedByUs = true;
    this.kills += 1;
    await killNow(slot.child);
  }

  /**
   * Starts process `i` again on its port (after `kill`, or after it exited by itself), with
   * `extraEnv` on top of the settings (a later simulated clock, say).
   */
  async restart(i: number, extraEnv: Readonly<Record<string, string>> = {}): Promise<void> {
    const old = this.slots[i]!;
    old.killedByUs = true;
    await killNow(old.child);
    this.slots[i] = await this.spawn(old.port, extraEnv);
    this.restarts += 1;
  }

  /** Whether process `i` is still running (it may have exited by itself). */
  alive(i: number): boolean {
    const c = this.slots[i]!.child;
    return c.exitCode === null && c.signalCode === null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((s) => stopChild(s.child)));
  }
}

function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
