// Command-line options of `launchday simulate`, read once, checked against their limits, frozen.
import { parseArgs } from 'node:util';

export const OPTION_LIMITS = Object.freeze({
  scaleMax: 2,
  speedMin: 1,
  speedMax: 36_000,
  connectionsMax: 4096,
  processesMax: 16,
  maxSecondsMax: 6 * 3600,
});

/**
 * A switch is a new configuration of the new model, so the window lets trim and options change
 * with it, as the server's seeded SU7 -> YU7 windows do. (`--switch-allows model` exercises the
 * contract's shorter form, where the model implies the new configuration.)
 */
const DEFAULT_SWITCH_ALLOWS = 'model,trim,colour,wheels,extras';

export interface SimulateOptions {
  readonly urls: readonly string[];
  readonly adminToken: string | null;
  readonly databaseUrl: string | null;
  readonly processes: number;
  readonly scale: number;
  readonly speed: number;
  readonly seed: number;
  readonly connections: number;
  readonly launchId: string;
  /** Real seconds the hour may take at most before the run stops itself. */
  readonly maxSeconds: number;
  readonly quiet: boolean;
  readonly keepData: boolean;
  readonly reportFile: string | null;
  /** What the model-switch windows allow. */
  readonly switchAllows: readonly string[];
  /** Play a launch behind a waiting room instead of the night (waiting-room-night.ts). */
  readonly waitingRoom: boolean;
}

export const USAGE = `usage: launchday simulate [options]
  --scale S          size: 1 = the YU7 night's 289,000 orders (default 0.1, at most 2)
  --speed X          time compression: 60 plays the hour in a minute (default 60)
  --seed N           the workload is a function of the seed (default 1)
  --url URL          use a running server (repeat or comma-separate for several processes);
                     default: start one on a temporary SQLite folder
  --admin-token T    operator token of that server (required with --url)
  --database-url U   start the server(s) on this PostgreSQL (a scratch database is made)
  --processes N      API processes to start and spread load across (needs --database-url)
  --connections N    requests in flight at most (default 256)
  --launch ID        the launch whose night is played, by id or model (default yu7-2025)
  --max-seconds N    stop the hour after N real seconds (default 3600/speed + 600)
  --switch-allows A  what the SU7 -> YU7 windows allow, comma-separated
                     (default model,trim,colour,wheels,extras)
  --report-file F    also write the final report as JSON to F
  --waiting-room     a launch behind a waiting room: the buyers (scale x 100,000, 50 at least)
                     join the pre-queue and poll, then order with passes; audited
  --keep-data        keep the started server's data folder or database
  --quiet            no progress line`;

/** Parses argv; returns the options or an error message for the user. */
export function parseSimulateOptions(argv: readonly string[]): SimulateOptions | string {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: {
      url: { type: 'string', multiple: true }, 'admin-token': { type: 'string' },
      'database-url': { type: 'string' }, processes: { type: 'string' },
      scale: { type: 'string' }, speed: { type: 'string' }, seed: { type: 'string' },
      connections: { type: 'string' }, launch: { type: 'string' },
      'max-seconds': { type: 'string' }, 'report-file': { type: 'string' }, 'switch-allows': { type: 'string' },
      'keep-data': { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean' },
      'waiting-room': { type: 'boolean' },
    } });
  } catch (e) {
    return (e as Error).message;
  }
  const v = parsed.values;
  if (v.help === true) return '';
  const num = (name: string, raw: string | undefined, fallback: number, min: number,
    max: number, integer: boolean): number | string => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      return `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
    }
    return n;
  };
  const scale = num('scale', v.scale, 0.1, 1e-6, OPTION_LIMITS.scaleMax, false);
  const speed = num('speed', v.speed, 60, OPTION_LIMITS.speedMin, OPTION_LIMITS.speedMax, false);
  const seed = num('seed', v.seed, 1, 0, 2 ** 31 - 1, true);
  const connections = num('connections', v.connections, 256, 1, OPTION_LIMITS.connectionsMax,
    true);
  const processes = num('processes', v.processes, 1, 1, OPTION_LIMITS.processesMax, true);
  for (const x of [scale, speed, seed, connections, processes]) if (typeof x === 'string') return x;
  const defaultMax = Math.ceil(3600 / (speed as number)) + 600;
  const maxSeconds = num('max-seconds', v['max-seconds'], defaultMax, 1,
    OPTION_LIMITS.maxSecondsMax, false);
  if (typeof maxSeconds === 'string') return maxSeconds;
  const urls = (v.url ?? []).flatMap((u) => u.split(',')).map((u) => u.trim()).filter(Boolean);
  for (const u of urls) {
    let host: string;
    try {
      host = new URL(u).hostname;
    } catch {
      return `--url ${u} is not a URL`;
    }
    // A load generator must never be pointed at somebody else's machine.
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
      return `--url ${u}: the simulator only sends traffic to this machine (127.0.0.1)`;
    }
  }
  if (urls.length > 0 && v['admin-token'] === undefined) return '--url needs --admin-token';
  if (urls.length > 0 && (v['database-url'] !== undefined || v.processes !== undefined)) {
    return '--database-url and --processes start servers; they do not go with --url';
  }
  const databaseUrl = v['database-url'] ?? null;
  if (databaseUrl !== null && !databaseUrl.startsWith('postgres')) {
    return '--database-url must be a postgres:// URL';
  }
  if ((processes as number) > 1 && databaseUrl === null) {
    return '--processes above 1 needs --database-url (processes share one PostgreSQL)';
  }
  return Object.freeze({
    urls, adminToken: v['admin-token'] ?? null, databaseUrl, processes: processes as number,
    scale: scale as number, speed: speed as number, seed: seed as number,
    connections: connections as number, launchId: v.launch ?? 'yu7-2025',
    maxSeconds, quiet: v.quiet === true, keepData: v['keep-data'] === true,
    reportFile: v['report-file'] ?? null,
    switchAllows: Object.freeze((v['switch-allows'] ?? DEFAULT_SWITCH_ALLOWS).split(',')
      .map((a) => a.trim())),
    waitingRoom: v['waiting-room'] === true,
  });
}
