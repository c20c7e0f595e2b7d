// Configuration is read here, from the environment, once; validated; frozen; passed down.
// Nothing else in launchday reads process.env.
import { strict as assert } from 'node:assert';

export interface Limits {
  /** Largest request body accepted. */
  readonly bodyBytesMax: number;
  /** Largest body of an operator's bulk import, which carries thousands of accounts. */
  readonly importBodyBytesMax: number;
  /** Commands written in one group-commit transaction. */
  readonly batchCommandsMax: number;
  /** Commands waiting that send a batch before the event loop's turn ends. */
  readonly batchEarlyCommands: number;
  /** As batchEarlyCommands, while no batch is under way (the writer is idle). */
  readonly batchIdleCommands: number;
  /** Group-commit batches under way at once (writing, or waiting for their flush). */
  readonly batchesInFlightMax: number;
  /** Commands waiting for a commit before new ones are answered 503. */
  readonly pendingCommandsMax: number;
  /** The oldest waiting write's age beyond which new writes are refused with 503. */
  readonly queueDelayMaxMs: number;
  /** Seconds a client is told to wait in Retry-After when refused for load. */
  readonly retryAfterSeconds: number;
  readonly importAccountsMax: number;
  readonly ordersListMax: number;
  readonly adminSearchMax: number;
  readonly auditLogMax: number;
  readonly autoLockBatchMax: number;
  readonly liveViewersMax: number;
  /**
   * Buyers' sign-in tokens kept in memory (about 400 bytes each); the cache starts over when
   * full. Sized with the old generation's cap (`--max-old-space-size`, README): 500,000 take
   * about 200 MB of a 640 MB heap.
   */
  readonly tokenCacheMax: number;
  readonly codeTtlSeconds: number;
  readonly codeAttemptsMax: number;
  readonly optionsPerOrderMax: number;
  readonly clockAdvanceSecondsMax: number;
  /**
   * A buyer's session ends this long after its sign-in, however busy (seconds; 30 days).
   * Env: LAUNCHDAY_SESSION_ABSOLUTE_SECONDS.
   */
  readonly sessionAbsoluteSeconds: number;
  /**
   * A session unused this long ends (seconds; 7 days). Env: LAUNCHDAY_SESSION_IDLE_SECONDS.
   */
  readonly sessionIdleSeconds: number;
  /**
   * A session's last use is written at most once per this many seconds (5 minutes), so that
   * the order path does not write on every request; the idle timeout may run this much late.
   */
  readonly sessionTouchSeconds: number;
  /**
   * A cached session or operator token is checked against the store again when the check is
   * older than this (seconds; 10): a sign-out, revocation or rotation made by another process
   * takes effect here within it. Env: LAUNCHDAY_SESSION_RECHECK_SECONDS.
   */
  readonly sessionRecheckSeconds: number;
  /** A buyer's sessions listed by GET /sessions (the newest). */
  readonly sessionsListMax: number;
  /** Named operators at most (POST /admin/operators). */
  readonly operatorsMax: number;
  /** Text messages being sent to a real SMS provider at once; more wait their turn. */
  readonly smsConcurrencyMax: number;
  /** Text messages waiting for a turn before new ones are dropped (logged). */
  readonly smsQueueMax: number;
  /** How long one request to the SMS provider may take before it is abandoned (ms). */
  readonly smsTimeoutMs: number;
  /** Messages the sandbox SMS sender keeps for the operator's console (the newest). */
  readonly sandboxSmsKept: number;
  /** Longest reason an operator gives for cancelling, refunding or revoking (characters). */
  readonly operatorReasonMax: number;
}

/** Where sign-in codes go: the sandbox keeps them for the operator; twilio texts them. */
export type SmsConfig =
  | { readonly provider: 'sandbox' }
  | {
    readonly provider: 'twilio';
    /** Twilio's Account SID (AC...), also the user of its Basic authentication. */
    readonly accountSid: string;
    readonly authToken: string;
    /** The sender: a Twilio number in E.164 (+1...) or a Messaging Service SID (MG...). */
    readonly from: string;
    /** https://api.twilio.com unless a test points it at a stand-in. */
    readonly baseUrl: string;
  };

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** A postgres:// URL: the store for more than one machine. Null: embedded SQLite. */
  readonly databaseUrl: string | null;
  /** A PostgreSQL schema of launchday's own (created if missing); null: the default one. */
  readonly databaseSchema: string | null;
  /** Null: generate one on first start and keep it in the store. */
  readonly adminToken: string | null;
  /** Signs the payment provider's notifications; null: generated once and kept in the store. */
  readonly paymentSecret: string | null;
  readonly clock: 'real' | 'simulated';
  readonly clockStartMs: number | null;
  readonly demoLaunch: boolean;
  readonly demoDelaySeconds: number;
  readonly webDir: string;
  /** Reads the API's requests off the socket itself (http-lane.ts); off: node:http reads all. */
  readonly httpLane: boolean;
  /**
   * Development only (LAUNCHDAY_DEV_SHOW_CODES=on, warned about at start): the reply to a code
   * request carries the code, so anyone can sign in as anyone. Only with the sandbox sender.
   */
  readonly devShowCodes: boolean;
  readonly sms: SmsConfig;
  readonly limits: Limits;
}

export const defaultLimits: Limits = Object.freeze({
  bodyBytesMax: 16 * 1024,
  importBodyBytesMax: 2 * 1024 * 1024,
  batchCommandsMax: 2_000,
  batchEarlyCommands: 128,
  batchIdleCommands: 32,
  batchesInFlightMax: 4,
  pendingCommandsMax: 20_000,
  queueDelayMaxMs: 100,
  retryAfterSeconds: 1,
  importAccountsMax: 5_000,
  ordersListMax: 100,
  adminSearchMax: 100,
  auditLogMax: 1_000,
  autoLockBatchMax: 5_000,
  liveViewersMax: 10_000,
  tokenCacheMax: 500_000,
  codeTtlSeconds: 300,
  codeAttemptsMax: 5,
  optionsPerOrderMax: 16,
  clockAdvanceSecondsMax: 400 * 24 * 3600,
  sessionAbsoluteSeconds: 30 * 24 * 3600,
  sessionIdleSeconds: 7 * 24 * 3600,
  sessionTouchSeconds: 300,
  sessionRecheckSeconds: 10,
  sessionsListMax: 50,
  operatorsMax: 100,
  smsConcurrencyMax: 8,
  smsQueueMax: 10_000,
  smsTimeoutMs: 10_000,
  sandboxSmsKept: 200,
  operatorReasonMax: 500,
});

export function checkLimits(l: Limits): void {
  for (const [k, v] of Object.entries(l)) assert.ok(Number.isInteger(v) && v > 0, `${k} > 0`);
  assert.ok(l.pendingCommandsMax >= l.batchCommandsMax, 'pending holds at least one batch');
  assert.ok(l.batchEarlyCommands <= l.batchCommandsMax, 'an early batch fits in one batch');
  assert.ok(l.batchIdleCommands <= l.batchCommandsMax, 'an idle-writer batch fits in one batch');
  assert.ok(l.importBodyBytesMax >= l.importAccountsMax * 200, 'an import of 200-byte rows fits');
  assert.ok(l.importAccountsMax <= l.pendingCommandsMax, 'an import fits in the pending queue');
  assert.ok(l.sessionIdleSeconds <= l.sessionAbsoluteSeconds, 'idle timeout within the absolute');
  assert.ok(l.sessionTouchSeconds < l.sessionIdleSeconds, 'a session in use is touched in time');
  assert.ok(l.sessionRecheckSeconds < l.sessionIdleSeconds, 'revocations reach caches in time');
  assert.ok(l.codeTtlSeconds < l.sessionIdleSeconds, 'a code lives shorter than a session');
  assert.ok(l.smsConcurrencyMax <= l.smsQueueMax, 'the SMS queue holds the sends under way');
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number,
  max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[],
  fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, not "${raw}"`);
  }
  return raw as T;
}

function limitsFrom(env: NodeJS.ProcessEnv): Limits {
  const pendingCommandsMax = int(env, 'LAUNCHDAY_PENDING_COMMANDS_MAX',
    defaultLimits.pendingCommandsMax, 1, 10_000_000);
  const batchCommandsMax = Math.min(pendingCommandsMax, int(env, 'LAUNCHDAY_BATCH_COMMANDS_MAX',
    defaultLimits.batchCommandsMax, 1, 100_000));
  return {
    ...defaultLimits,
    pendingCommandsMax,
    queueDelayMaxMs: int(env, 'LAUNCHDAY_QUEUE_DELAY_MAX_MS', defaultLimits.queueDelayMaxMs, 1,
      60_000),
    batchCommandsMax,
    batchEarlyCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_EARLY_COMMANDS',
      defaultLimits.batchEarlyCommands, 1, 100_000)),
    batchIdleCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_IDLE_COMMANDS',
      defaultLimits.batchIdleCommands, 1, 100_000)),
    batchesInFlightMax: int(env, 'LAUNCHDAY_BATCHES_IN_FLIGHT_MAX',
      defaultLimits.batchesInFlightMax, 1, 64),
    sessionAbsoluteSeconds: int(env, 'LAUNCHDAY_SESSION_ABSOLUTE_SECONDS',
      defaultLimits.sessionAbsoluteSeconds, 60, 365 * 24 * 3600),
    sessionIdleSeconds: int(env, 'LAUNCHDAY_SESSION_IDLE_SECONDS',
      defaultLimits.sessionIdleSeconds, 60, 365 * 24 * 3600),
    sessionRecheckSeconds: int(env, 'LAUNCHDAY_SESSION_RECHECK_SECONDS',
      defaultLimits.sessionRecheckSeconds, 1, 3600),
    // An import is queued whole, so it can never be larger than the queue.
    importAccountsMax: Math.min(defaultLimits.importAccountsMax, pendingCommandsMax),
  };
}

/** LAUNCHDAY_SMS_PROVIDER (sandbox, twilio) and the chosen provider's credentials. */
function smsFrom(env: NodeJS.ProcessEnv): SmsConfig {
  const provider = oneOf(env, 'LAUNCHDAY_SMS_PROVIDER', ['sandbox', 'twilio'] as const, 'sandbox');
  if (provider === 'sandbox') return { provider };
  const need = (name: string, shape: RegExp, what: string): string => {
    const v = env[name] ?? '';
    if (!shape.test(v)) throw new ConfigError(`${name} must be ${what} with twilio`);
    return v;
  };
  const baseUrl = env.LAUNCHDAY_TWILIO_BASE_URL || 'https://api.twilio.com';
  if (!/^https?:\/\/[^/]+$/.test(baseUrl)) {
    throw new ConfigError('LAUNCHDAY_TWILIO_BASE_URL must be a scheme and host, no path');
  }
  return {
    provider,
    accountSid: need('LAUNCHDAY_TWILIO_ACCOUNT_SID', /^AC[0-9a-fA-F]{32}$/, 'an Account SID'),
    authToken: need('LAUNCHDAY_TWILIO_AUTH_TOKEN', /^\S{16,}$/, 'an auth token'),
    from: need('LAUNCHDAY_TWILIO_FROM', /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/,
      'an E.164 number or a Messaging Service SID'),
    baseUrl,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.LAUNCHDAY_DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('LAUNCHDAY_DATABASE_URL must be a postgres:// URL');
  }
  const databaseSchema = env.LAUNCHDAY_DATABASE_SCHEMA || null;
  if (databaseSchema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('LAUNCHDAY_DATABASE_SCHEMA must be a plain lower-case name');
  }
  const adminToken = env.LAUNCHDAY_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('LAUNCHDAY_ADMIN_TOKEN must be at least 16 characters');
  }
  const paymentSecret = env.LAUNCHDAY_PAYMENT_SECRET || null;
  if (paymentSecret !== null && paymentSecret.length < 16) {
    throw new ConfigError('LAUNCHDAY_PAYMENT_SECRET must be at least 16 characters');
  }
  const start = env.LAUNCHDAY_CLOCK_START;
  const clockStartMs = start ? Date.parse(start) : null;
  if (clockStartMs !== null && Number.isNaN(clockStartMs)) {
    throw new ConfigError('LAUNCHDAY_CLOCK_START must be an ISO date-time');
  }
  const config: Config = {
    host: env.LAUNCHDAY_HOST || '127.0.0.1',
    port: int(env, 'LAUNCHDAY_PORT', 3000, 0, 65535),
    dataDir: env.LAUNCHDAY_DATA_DIR || './data',
    databaseUrl,
    databaseSchema,
    adminToken,
    paymentSecret,
    clock: oneOf(env, 'LAUNCHDAY_CLOCK', ['real', 'simulated'] as const, 'real'),
    clockStartMs,
    demoLaunch: oneOf(env, 'LAUNCHDAY_DEMO_LAUNCH', ['on', 'off'] as const, 'on') === 'on',
    demoDelaySeconds: int(env, 'LAUNCHDAY_DEMO_DELAY_SECONDS', 180, 0, 7 * 24 * 3600),
    webDir: env.LAUNCHDAY_WEB_DIR || 'web',
    httpLane: oneOf(env, 'LAUNCHDAY_HTTP_LANE', ['on', 'off'] as const, 'on') === 'on',
    devShowCodes: oneOf(env, 'LAUNCHDAY_DEV_SHOW_CODES', ['on', 'off'] as const, 'off') === 'on',
    sms: smsFrom(env),
    limits: limitsFrom(env),
    ...overrides,
  };
  checkLimits(config.limits);
  return Object.freeze({ ...config, limits: Object.freeze({ ...config.limits }) });
}
