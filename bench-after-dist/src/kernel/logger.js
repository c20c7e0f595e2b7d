// Structured logs: one JSON object a line (pino), for the dashboards and searches of the people
// running launch night, with a request id on every line about a request. Personal data never
// reaches a line whole: phone numbers and identity numbers are masked wherever they appear,
// names and tokens are replaced.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
/** A mainland mobile number (`1[3-9]` and 9 digits), optionally after +86, alone in its text. */
const PHONE = /(?<![0-9A-Za-z])((?:\+?86[- ]?)?1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9A-Za-z])/g;
/** A resident identity number (17 digits and a digit or X), alone in its text. */
const ID_NUMBER = /(?<![0-9A-Za-z])([0-9]{6})[0-9]{11}([0-9Xx])(?![0-9A-Za-z])/g;
/** `13800138000` -> `138****8000`: enough to tell two buyers apart on a call, no more. */
export function maskPhone(phone) {
    return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
/**
 * `11010519491231002X` -> `110105***********X`: the region and the check character stay,
 * the birth date and sequence go.
 */
export function maskIdNumber(idNumber) {
    return idNumber.length >= 8
        ? `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-1)}`
        : '****';
}
/** Any text with every phone and identity number in it masked. */
export function maskPersonalData(text) {
    return text.replace(ID_NUMBER, (_m, head, last) => `${head}${'*'.repeat(11)}${last}`).replace(PHONE, '$1****$2');
}
/**
 * Fields masked or replaced wherever a log call names them (top level or one level down): a
 * line that logs an account or a request's body by mistake still carries no personal data.
 */
const REDACTED_PATHS = ['phone', 'id_number', 'idNumber', 'name', 'token', 'authorization',
    '*.phone', '*.id_number', '*.idNumber', '*.token', '*.authorization', '*.buyer_name'];
function censor(value, path) {
    if (typeof value !== 'string')
        return '[redacted]';
    const key = path[path.length - 1];
    if (key === 'phone')
        return maskPhone(value);
    if (key === 'id_number' || key === 'idNumber')
        return maskIdNumber(value);
    return '[redacted]';
}
/** The process's logger; every other logger is a child of it. */
export function createLogger(opts) {
    return pino({
        level: opts.level,
        base: { service: 'launchday', pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACTED_PATHS, censor },
        // The last word on every line: whatever a message or an error's stack quotes (a phone in
        // a database error, say) is masked too. Lines are rare (not one per request at info), so
        // scanning each costs nothing that shows.
        hooks: { streamWrite: maskPersonalData },
    }, opts.destination
        // Written in the background, so that a slow reader of stdout never holds up the event
        // loop; pino flushes what is left when the process exits.
        ?? pino.destination({ dest: 1, sync: false }));
}
/** A logger that writes nothing, for tests and tools that do not want lines. */
export const silentLogger = () => pino({ level: 'silent' });
/** Request ids a client may choose: short, and plain enough to echo in a header and a log. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,64}$/;
/**
 * The request's id: the client's `X-Request-Id` when it is sane (at most 64 visible characters
 * of a plain set), else a new UUID. A proxy in front can so tie its own lines to ours.
 */
export function requestIdOf(header) {
    return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
/**
 * Lets through at most `perSecond` lines a second and counts the rest, so that a stampede of
 * refusals (thousands a second) costs a few lines, not the event loop.
 */
export class LogSampler {
    perSecond;
    #second = -1;
    #left = 0;
    #dropped = 0;
    constructor(perSecond) {
        this.perSecond = perSecond;
    }
    /** -1: drop this line. Otherwise: write it, saying how many were dropped before it. */
    admit(nowMs) {
        const second = Math.floor(nowMs / 1000);
        if (second !== this.#second) {
            this.#second = second;
            this.#left = this.perSecond;
        }
        if (this.#left === 0) {
            this.#dropped++;
            return -1;
        }
        this.#left--;
        const dropped = this.#dropped;
        this.#dropped = 0;
        return dropped;
    }
}
//# sourceMappingURL=logger.js.map