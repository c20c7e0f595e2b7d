// Configuration is read here, from the environment, once; validated; frozen; passed down.
// Nothing else in launchday reads process.env.
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { parseIsoTime } from './iso-time.js';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const defaultLimits = Object.freeze({
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
    connectionRequestsMax: 32,
    connectionUnreadBytesMax: 64 * 1024,
    liveStalledFramesMax: 30,
    connectionsMax: 16_000,
    listenBacklog: 4096,
    codeWindowSeconds: 15 * 60,
    codeRequestsPerPhoneMax: 5,
    codeRequestsPerAddressMax: 100,
    signInsPerAddressMax: 200,
    registrationWindowSeconds: 3600,
    registrationsPerKeyMax: 10,
    registrationsPerAddressMax: 100,
    buyerWriteWindowSeconds: 60,
    buyerWritesPerAccountMax: 120,
    buyerWritesPerAddressMax: 6_000,
    rateKeysMax: 200_000,
    refundConfirmAfterMs: 10 * 60_000,
    refundUnsettledAlertMs: 60 * 60_000,
    chargeSweepGraceMs: 5 * 60_000,
    paymentReconcileBatchMax: 500,
    paymentAnomaliesListMax: 1_000,
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
    planRatesMax: 200,
    planUnitsPerWeekMax: 1_000_000,
    handoversPerWeekMax: 1_000_000,
    replansListMax: 100,
    estimateChangesPageMax: 1_000,
    shownEstimatesBufferMax: 5_000,
    carsPerRunMax: 5_000,
    readyStockListMax: 1_000,
    notificationRoundMs: 1_000,
    notificationClaimBatchMax: 200,
    notificationSendsInFlightMax: 16,
    notificationAttemptsMax: 12,
    notificationGenerationsMax: 3,
    notificationBackoffBaseMs: 2_000,
    notificationBackoffMaxMs: 10 * 60_000,
    notificationLeaseMs: 60_000,
    notificationReportsBatchMax: 500,
    notificationsListMax: 100,
    dropHoldSeconds: 120,
    dropOfferSeconds: 600,
    dropVariantsMax: 20,
    dropQuantityMax: 1_000_000,
    dropUnitsPerBuyerMax: 10,
    dropWaitlistMax: 100_000,
    dropsListMax: 100,
    replanIntervalMs: 10 * 60_000,
    replanSliceOrders: 2_000,
});
/**
 * The package's own `web/` folder, found from this file (dist/src/kernel/config.js) rather than
 * from the working directory: started from another folder, launchday served no page at all.
 */
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web', import.meta.url));
export function checkLimits(l) {
    for (const [k, v] of Object.entries(l))
        assert.ok(Number.isInteger(v) && v > 0, `${k} > 0`);
    assert.ok(l.pendingCommandsMax >= l.batchCommandsMax, 'pending holds at least one batch');
    assert.ok(l.batchEarlyCommands <= l.batchCommandsMax, 'an early batch fits in one batch');
    assert.ok(l.batchIdleCommands <= l.batchCommandsMax, 'an idle-writer batch fits in one batch');
    assert.ok(l.importBodyBytesMax >= l.importAccountsMax * 200, 'an import of 200-byte rows fits');
    assert.ok(l.importAccountsMax <= l.pendingCommandsMax, 'an import fits in the pending queue');
    assert.ok(l.connectionsMax > l.liveViewersMax, 'room for buyers beside every live viewer');
    assert.ok(l.connectionUnreadBytesMax >= l.bodyBytesMax, 'a connection holds a whole request while the one before it is answered');
    // An address holds many buyers (a carrier's NAT): it may do at least what one buyer may.
    assert.ok(l.codeRequestsPerAddressMax >= l.codeRequestsPerPhoneMax, 'address >= phone');
    assert.ok(l.signInsPerAddressMax >= l.codeAttemptsMax, 'address sign-ins >= one phone\'s');
    assert.ok(l.registrationsPerAddressMax >= l.registrationsPerKeyMax, 'address >= one key');
    assert.ok(l.buyerWritesPerAddressMax >= l.buyerWritesPerAccountMax, 'address >= account');
    // The scalper's third order must meet per_account_limit_reached, not a rate limit.
    assert.ok(l.buyerWritesPerAccountMax >= 10, 'a buyer can order, retry, lock and cancel');
    assert.ok(l.refundUnsettledAlertMs >= l.refundConfirmAfterMs, 'a refund is asked about before operators are told it has not settled');
    assert.ok(l.chargeSweepGraceMs >= 2 * l.queueDelayMaxMs, 'a charge is never voided while its order may still be waiting for its commit');
    assert.ok(l.sessionIdleSeconds <= l.sessionAbsoluteSeconds, 'idle timeout within the absolute');
    assert.ok(l.sessionTouchSeconds < l.sessionIdleSeconds, 'a session in use is touched in time');
    assert.ok(l.sessionRecheckSeconds < l.sessionIdleSeconds, 'revocations reach caches in time');
    assert.ok(l.codeTtlSeconds < l.sessionIdleSeconds, 'a code lives shorter than a session');
    assert.ok(l.smsConcurrencyMax <= l.smsQueueMax, 'the SMS queue holds the sends under way');
    // A send outlasting its lease would let a second worker send it too (the provider's
    // deduplication would still make them one, but the lease is meant to make that rare).
    assert.ok(l.notificationLeaseMs >= 3 * l.smsTimeoutMs, 'a send ends well within its lease');
    assert.ok(l.notificationBackoffBaseMs <= l.notificationBackoffMaxMs, 'backoff base <= max');
    assert.ok(l.notificationSendsInFlightMax <= l.notificationClaimBatchMax, 'a round claims at least what it sends at once');
}
export class ConfigError extends Error {
}
function int(env, name, fallback, min, max) {
    const raw = env[name];
    if (raw === undefined || raw === '')
        return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    }
    return n;
}
function oneOf(env, name, values, fallback) {
    const raw = env[name];
    if (raw === undefined || raw === '')
        return fallback;
    if (!values.includes(raw)) {
        throw new ConfigError(`${name} must be one of ${values.join(', ')}, not "${raw}"`);
    }
    return raw;
}
function limitsFrom(env) {
    const pendingCommandsMax = int(env, 'LAUNCHDAY_PENDING_COMMANDS_MAX', defaultLimits.pendingCommandsMax, 1, 10_000_000);
    const batchCommandsMax = Math.min(pendingCommandsMax, int(env, 'LAUNCHDAY_BATCH_COMMANDS_MAX', defaultLimits.batchCommandsMax, 1, 100_000));
    return {
        ...defaultLimits,
        pendingCommandsMax,
        queueDelayMaxMs: int(env, 'LAUNCHDAY_QUEUE_DELAY_MAX_MS', defaultLimits.queueDelayMaxMs, 1, 60_000),
        batchCommandsMax,
        batchEarlyCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_EARLY_COMMANDS', defaultLimits.batchEarlyCommands, 1, 100_000)),
        batchIdleCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_IDLE_COMMANDS', defaultLimits.batchIdleCommands, 1, 100_000)),
        batchesInFlightMax: int(env, 'LAUNCHDAY_BATCHES_IN_FLIGHT_MAX', defaultLimits.batchesInFlightMax, 1, 64),
        connectionsMax: int(env, 'LAUNCHDAY_CONNECTIONS_MAX', defaultLimits.connectionsMax, defaultLimits.liveViewersMax + 1, 1_000_000),
        listenBacklog: int(env, 'LAUNCHDAY_LISTEN_BACKLOG', defaultLimits.listenBacklog, 1, 65_535),
        // Fewer, never more, than the default: past it viewers read the cacheable snapshot.
        liveViewersMax: int(env, 'LAUNCHDAY_LIVE_VIEWERS_MAX', defaultLimits.liveViewersMax, 1, defaultLimits.liveViewersMax),
        refundConfirmAfterMs: 1000 * int(env, 'LAUNCHDAY_REFUND_CONFIRM_AFTER_SECONDS', defaultLimits.refundConfirmAfterMs / 1000, 1, 7 * 24 * 3600),
        refundUnsettledAlertMs: 1000 * int(env, 'LAUNCHDAY_REFUND_UNSETTLED_ALERT_SECONDS', defaultLimits.refundUnsettledAlertMs / 1000, 1, 30 * 24 * 3600),
        sessionAbsoluteSeconds: int(env, 'LAUNCHDAY_SESSION_ABSOLUTE_SECONDS', defaultLimits.sessionAbsoluteSeconds, 60, 365 * 24 * 3600),
        sessionIdleSeconds: int(env, 'LAUNCHDAY_SESSION_IDLE_SECONDS', defaultLimits.sessionIdleSeconds, 60, 365 * 24 * 3600),
        sessionRecheckSeconds: int(env, 'LAUNCHDAY_SESSION_RECHECK_SECONDS', defaultLimits.sessionRecheckSeconds, 1, 3600),
        // An import is queued whole, so it can never be larger than the queue.
        importAccountsMax: Math.min(defaultLimits.importAccountsMax, pendingCommandsMax),
        codeRequestsPerAddressMax: int(env, 'LAUNCHDAY_CODE_REQUESTS_PER_ADDRESS_MAX', defaultLimits.codeRequestsPerAddressMax, 5, 1_000_000),
        signInsPerAddressMax: int(env, 'LAUNCHDAY_SIGN_INS_PER_ADDRESS_MAX', defaultLimits.signInsPerAddressMax, 5, 1_000_000),
        registrationsPerAddressMax: int(env, 'LAUNCHDAY_REGISTRATIONS_PER_ADDRESS_MAX', defaultLimits.registrationsPerAddressMax, 10, 1_000_000),
        buyerWritesPerAccountMax: int(env, 'LAUNCHDAY_BUYER_WRITES_PER_ACCOUNT_MAX', defaultLimits.buyerWritesPerAccountMax, 10, 1_000_000),
        buyerWritesPerAddressMax: int(env, 'LAUNCHDAY_BUYER_WRITES_PER_ADDRESS_MAX', defaultLimits.buyerWritesPerAddressMax, 120, 100_000_000),
        dropHoldSeconds: int(env, 'LAUNCHDAY_DROP_HOLD_SECONDS', defaultLimits.dropHoldSeconds, 10, 3600),
        dropOfferSeconds: int(env, 'LAUNCHDAY_DROP_OFFER_SECONDS', defaultLimits.dropOfferSeconds, 10, 24 * 3600),
        dropWaitlistMax: int(env, 'LAUNCHDAY_DROP_WAITLIST_MAX', defaultLimits.dropWaitlistMax, 1, 10_000_000),
        replanIntervalMs: int(env, 'LAUNCHDAY_REPLAN_INTERVAL_MS', defaultLimits.replanIntervalMs, 1_000, 7 * 24 * 3_600_000),
        replanSliceOrders: int(env, 'LAUNCHDAY_REPLAN_SLICE_ORDERS', defaultLimits.replanSliceOrders, 1, 1_000_000),
    };
}
/** LAUNCHDAY_SMS_PROVIDER (sandbox, twilio) and the chosen provider's credentials. */
function smsFrom(env) {
    const provider = oneOf(env, 'LAUNCHDAY_SMS_PROVIDER', ['sandbox', 'twilio'], 'sandbox');
    if (provider === 'sandbox')
        return { provider };
    const need = (name, shape, what) => {
        const v = env[name] ?? '';
        if (!shape.test(v))
            throw new ConfigError(`${name} must be ${what} with twilio`);
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
        from: need('LAUNCHDAY_TWILIO_FROM', /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'an E.164 number or a Messaging Service SID'),
        baseUrl,
    };
}
export function loadConfig(env, overrides = {}) {
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
    const metricsToken = env.LAUNCHDAY_METRICS_TOKEN || null;
    if (metricsToken !== null && metricsToken.length < 16) {
        throw new ConfigError('LAUNCHDAY_METRICS_TOKEN must be at least 16 characters');
    }
    const start = env.LAUNCHDAY_CLOCK_START;
    // The shared strict parser: a start without a zone would depend on the machine's TZ.
    const clockStartMs = start ? parseIsoTime(start) : null;
    if (start && clockStartMs === null) {
        throw new ConfigError(`LAUNCHDAY_CLOCK_START must be an ISO 8601 / RFC 3339 date-time with `
            + `Z or an offset (such as 2025-06-26T13:59:00Z), not "${start}"`);
    }
    const config = {
        host: env.LAUNCHDAY_HOST || '127.0.0.1',
        port: int(env, 'LAUNCHDAY_PORT', 3000, 0, 65535),
        dataDir: env.LAUNCHDAY_DATA_DIR || './data',
        databaseUrl,
        databaseSchema,
        adminToken,
        paymentSecret,
        clock: oneOf(env, 'LAUNCHDAY_CLOCK', ['real', 'simulated'], 'real'),
        clockStartMs,
        demoLaunch: oneOf(env, 'LAUNCHDAY_DEMO_LAUNCH', ['on', 'off'], 'on') === 'on',
        demoDelaySeconds: int(env, 'LAUNCHDAY_DEMO_DELAY_SECONDS', 180, 0, 7 * 24 * 3600),
        webDir: env.LAUNCHDAY_WEB_DIR || DEFAULT_WEB_DIR,
        httpLane: oneOf(env, 'LAUNCHDAY_HTTP_LANE', ['on', 'off'], 'on') === 'on',
        rateLimits: oneOf(env, 'LAUNCHDAY_RATE_LIMITS', ['on', 'per-address-off', 'off'], 'on'),
        trustProxy: oneOf(env, 'LAUNCHDAY_TRUST_PROXY', ['on', 'off'], 'off') === 'on',
        devShowCodes: oneOf(env, 'LAUNCHDAY_DEV_SHOW_CODES', ['on', 'off'], 'off') === 'on',
        sms: smsFrom(env),
        limits: limitsFrom(env),
        logLevel: oneOf(env, 'LAUNCHDAY_LOG_LEVEL', LOG_LEVELS, 'info'),
        metricsToken,
        ...overrides,
    };
    checkLimits(config.limits);
    return Object.freeze({ ...config, limits: Object.freeze({ ...config.limits }) });
}
//# sourceMappingURL=config.js.map