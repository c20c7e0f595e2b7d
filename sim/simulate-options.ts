// Command-line options of `launchday simulate`, read once, checked against their limits, frozen.
import { parseArgs } from 'node:util';
import { nightOf } from './demand-curve.js';

export const OPTION_LIMITS = Object.freeze({
  scaleMax: 2,
  speedMin: 1,
  speedMax: 36_000,
  connectionsMax: 4096,
  processesMax: 16,
  maxSecondsMax: 6 * 3600,
  dropBuyersMax: 100_000,
  ringsMax: 50,
  /** `--until-allocations`: SU7 deliveries passed 100,000 in the first year; twice that at most. */
  untilAllocationsMax: 200_000,
  /** `--until-deliveries`: the goal is the first 10,000; ten times that at most. */
  untilDeliveriesMax: 100_000,
});

/** SU7 deliveries reached 100,000 within the first year (DOMAIN.md): the default target. */
export const FIRST_YEAR_ALLOCATIONS = 100_000;

/**
 * A switch is a new configuration of the new model, so the window lets trim and options change
 * with it, as the server's seeded SU7 -> YU7 windows do. (`--switch-allows model` exercises the
 * contract's shorter form, where the model implies the new configuration.)
 */
const DEFAULT_SWITCH_ALLOWS = 'model,trim,colour,wheels,extras';

/**
 * What a run plays: the launch night (the default), the weeks after it (`--after-night`,
 * `--until-allocations`, `--until-deliveries`), the drop (`--drop jacket`), a launch behind a
 * waiting room (`--waiting-room`) or the drop behind one (`--drop jacket --waiting-room`).
 */
export type SimulateMode = 'launch' | 'after-night' | 'drop' | 'waiting-room' | 'drop-room';

/** Each mode as the refusal of a flag names it. */
const MODE_NAMES: Readonly<Record<SimulateMode, string>> = {
  launch: 'the launch night (no mode flag)',
  'after-night': 'the weeks after the night (--after-night)',
  drop: 'the drop (--drop jacket)',
  'waiting-room': 'the launch behind a waiting room (--waiting-room)',
  'drop-room': 'the drop behind a waiting room (--drop jacket --waiting-room)',
};

/**
 * The flags that apply to some modes only, and those modes; every other flag applies to every
 * mode. A flag given to a mode it does not apply to is refused rather than ignored (the drop
 * behind a room was once asked for with `--drop jacket --waiting-room` and ran without one).
 */
const FLAG_MODES: Readonly<Record<string, readonly SimulateMode[]>> = {
  scale: ['launch', 'after-night', 'waiting-room'],
  launch: ['launch', 'after-night', 'waiting-room'],
  speed: ['launch', 'after-night'],
  'max-seconds': ['launch', 'after-night'],
  'switch-allows': ['launch', 'after-night'],
  'drop-buyers': ['drop', 'drop-room'],
  rings: ['drop', 'drop-room'],
};

/** The refusal of the first flag in `given` that does not apply to `mode`, or null. */
export function flagNotApplying(mode: SimulateMode, given: readonly string[]): string | null {
  for (const flag of given) {
    const modes = FLAG_MODES[flag];
    if (modes === undefined || modes.includes(mode)) continue;
    return `--${flag} does not apply to ${MODE_NAMES[mode]}; it applies to `
      + modes.map((m) => MODE_NAMES[m]).join(', ');
  }
  return null;
}

export interface SimulateOptions {
  /** What the run plays (from the mode flags). */
  readonly mode: SimulateMode;
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
  /** `--drop jacket`: play the 800-piece jacket's opening instead of a launch night. */
  readonly drop: 'jacket' | null;
  /** Honest buyers racing for the drop (`--drop-buyers`). */
  readonly dropBuyers: number;
  /** Scalper rings planted among them (`--rings`). */
  readonly rings: number;
  /**
   * After the night, run on in simulated weeks through production (sim/after-night.ts) until
   * this many cars are allocated; null: the night only.
   */
  readonly untilAllocations: number | null;
  /**
   * Go on from the car built to the keys (sim/delivery-weeks.ts) until this many orders are
   * handed over; null: stop at the allocation target.
   */
  readonly untilDeliveries: number | null;
  /**
   * Behind a waiting room: a launch instead of the night (waiting-room-night.ts), or with
   * `--drop` the drop (drop-night.ts).
   */
  readonly waitingRoom: boolean;
  /**
   * `--port`: the port of the server the simulator starts (its n-th process listens on
   * port + n - 1), so a browser or curl can watch it during the run; null: a free one.
   */
  readonly port: number | null;
}

export const USAGE = `usage: launchday simulate [mode] [options]
modes: the launch night (no mode flag); the weeks after it (--after-night, --until-*);
  the drop (--drop jacket); a launch behind a waiting room (--waiting-room); the drop behind
  a waiting room (--drop jacket --waiting-room). A flag marked [night], [room] or [drop]
  belongs to those modes only and is refused with the others: [night] the launch night and
  the weeks after it, [room] the launch behind a waiting room, [drop] the drop, behind a room
  or not. The other flags go with every mode.
  --scale S          [night, room] size: 1 = the YU7 night's 289,000 orders (default 0.1, at
                     most 2); behind a room, scale x 100,000 buyers
  --speed X          [night] time compression: 60 plays the hour in a minute (default 60)
  --seed N           the workload is a function of the seed (default 1)
  --url URL          use a running server (repeat or comma-separate for several processes);
                     default: start one on a temporary SQLite folder
  --admin-token T    operator token of that server (required with --url)
  --port P           the port of the server the simulator starts (1-65535; with --processes N,
                     P to P+N-1), to watch it at http://127.0.0.1:P while it runs; default:
                     a free port (not with --url)
  --database-url U   start the server(s) on this PostgreSQL (a scratch database is made)
  --processes N      API processes to start and spread load across (needs --database-url)
  --connections N    requests in flight at most (default 256)
  --launch ID        [night, room] the launch played, by id or model (default yu7-2025)
  --max-seconds N    [night] stop the hour after N real seconds (default 3600/speed + 600)
  --switch-allows A  [night] what the SU7 -> YU7 windows allow, comma-separated
                     (default model,trim,colour,wheels,extras)
  --after-night      run on after the night in simulated weeks through production (a
                     plan, weekly runs with VINs, a capacity increase, new delivery cities,
                     more orders) until 100,000 x scale cars are allocated; starts its own
                     server with a simulated clock at the launch (not with --url); it plays
                     the SU7 year, so --launch su7 is its default and the only launch it takes
  --until-allocations N  as --after-night, until N cars are allocated (at most 200,000)
  --until-deliveries N   as --after-night, and each week the cars go on to their buyers
                     (ready, balance in parts, deferrals, a price cut with protection, ready
                     stock, appointments, no-shows, handovers) until N orders are handed
                     over (at most 100,000); audited with the books
  --report-file F    also write the final report as JSON to F (every mode)
  --drop jacket      play the 800-piece jacket's opening (sizes as variants) instead: buyers
                     race, some payments fail, a waitlist takes released units, scalper rings
                     are planted and the suspicious-pattern report must find them
  --drop-buyers N    [drop] honest buyers in the drop (default 3000, at most 100000)
  --rings N          [drop] scalper rings planted in the drop (default 6, at most 50)
  --waiting-room     a launch behind a waiting room: the buyers (scale x 100,000, 50 at least)
                     join the pre-queue and poll, then order with passes; audited. With
                     --drop jacket: the drop behind a room (pre-queue, shuffle, admission at
                     the room's rate, purchases and waitlist joins with the pass, rings)
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
      drop: { type: 'string' }, 'drop-buyers': { type: 'string' }, rings: { type: 'string' },
      'after-night': { type: 'boolean' }, 'until-allocations': { type: 'string' },
      'until-deliveries': { type: 'string' },
      'waiting-room': { type: 'boolean' }, port: { type: 'string' },
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
  if (v.drop !== undefined && v.drop !== 'jacket') return '--drop knows one drop: jacket';
  const dropBuyers = num('drop-buyers', v['drop-buyers'], 3000, 1, OPTION_LIMITS.dropBuyersMax,
    true);
  const rings = num('rings', v.rings, 6, 0, OPTION_LIMITS.ringsMax, true);
  if (typeof dropBuyers === 'string') return dropBuyers;
  if (typeof rings === 'string') return rings;
  const afterNight = v['after-night'] === true || v['until-allocations'] !== undefined
    || v['until-deliveries'] !== undefined;
  const chosen = modeOf(v.drop !== undefined, v['waiting-room'] === true, afterNight);
  if (typeof chosen === 'string') return chosen;
  const { mode } = chosen;
  const notApplying = flagNotApplying(mode, Object.keys(v)
    .filter((k) => v[k as keyof typeof v] !== undefined));
  if (notApplying !== null) return notApplying;
  // The weeks after the night are the SU7 year (sim/after-night.ts): it is that launch's option.
  const launchId = v.launch ?? (afterNight ? 'su7' : 'yu7-2025');
  if (afterNight && launchId !== 'su7' && launchId !== 'su7-2024') {
    return '--after-night plays the SU7 year after its night: it goes with --launch su7';
  }
  const nightSeconds = nightOf(launchId).curve.durationSeconds;
  const defaultMax = Math.ceil(nightSeconds / (speed as number)) + 600;
  const maxSeconds = num('max-seconds', v['max-seconds'], defaultMax, 1,
    OPTION_LIMITS.maxSecondsMax, false);
  if (typeof maxSeconds === 'string') return maxSeconds;
  const defaultAllocations = Math.max(1, Math.round(FIRST_YEAR_ALLOCATIONS * (scale as number)));
  const until = num('until-allocations', v['until-allocations'], defaultAllocations, 1,
    OPTION_LIMITS.untilAllocationsMax, true);
  if (typeof until === 'string') return until;
  const deliveries = v['until-deliveries'] === undefined ? null : num('until-deliveries',
    v['until-deliveries'], 0, 1, OPTION_LIMITS.untilDeliveriesMax, true);
  if (typeof deliveries === 'string') return deliveries;
  if (deliveries !== null && v['until-allocations'] !== undefined) {
    return '--until-deliveries runs until that many handovers: it does not go with ' +
      '--until-allocations';
  }
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
  if (urls.length > 0 && afterNight) {
    return '--after-night moves the server\'s clock by weeks: it starts its own server, not --url';
  }
  if (urls.length > 0 && (v['database-url'] !== undefined || v.processes !== undefined)) {
    return '--database-url and --processes start servers; they do not go with --url';
  }
  const databaseUrl = v['database-url'] ?? null;
  if (databaseUrl !== null && !databaseUrl.startsWith('postgres')) {
    return '--database-url must be a postgres:// URL';
  }
  if (afterNight && (processes as number) > 1) {
    return '--after-night moves a simulated clock, and each process keeps its own: one process';
  }
  if ((processes as number) > 1 && databaseUrl === null) {
    return '--processes above 1 needs --database-url (processes share one PostgreSQL)';
  }
  // Each process takes a port of its own: the last must be a port too.
  const port = v.port === undefined ? null
    : num('port', v.port, 0, 1, 65_536 - (processes as number), true);
  if (typeof port === 'string') {
    return (processes as number) > 1 ? `${port} (--processes ${processes as number} take the `
      + `ports from it on)` : port;
  }
  if (port !== null && urls.length > 0) {
    return '--port is the port of the server the simulator starts; with --url it starts none';
  }
  return Object.freeze({
    mode, urls, adminToken: v['admin-token'] ?? null, databaseUrl, processes: processes as number,
    scale: scale as number, speed: speed as number, seed: seed as number,
    connections: connections as number, launchId,
    maxSeconds, quiet: v.quiet === true, keepData: v['keep-data'] === true,
    reportFile: v['report-file'] ?? null,
    switchAllows: Object.freeze((v['switch-allows'] ?? DEFAULT_SWITCH_ALLOWS).split(',')
      .map((a) => a.trim())),
    drop: v.drop === 'jacket' ? 'jacket' : null, dropBuyers, rings,
    untilAllocations: afterNight ? until : null,
    untilDeliveries: deliveries,
    waitingRoom: v['waiting-room'] === true,
    port,
  });
}

/** The mode the mode flags ask for, or the refusal of a combination that is none. */
function modeOf(drop: boolean, room: boolean, afterNight: boolean):
  { mode: SimulateMode } | string {
  if (afterNight && (drop || room)) {
    return `--after-night plays the weeks after the launch night: it does not go with ${drop
      ? '--drop' : '--waiting-room'}`;
  }
  if (afterNight) return { mode: 'after-night' };
  return { mode: drop ? (room ? 'drop-room' : 'drop') : room ? 'waiting-room' : 'launch' };
}
