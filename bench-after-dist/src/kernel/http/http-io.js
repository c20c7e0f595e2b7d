import { ok, outcomes, refuse, } from '../outcomes.js';
/** A reply body already written as JSON (views.ts's orderViewJson), sent as it is. */
export class JsonText {
    text;
    constructor(text) {
        this.text = text;
    }
}
/** A reply body as JSON text. */
export const jsonText = (body) => (body instanceof JsonText ? body.text : JSON.stringify(body));
export function sendJson(res, status, body, headers = {}) {
    const text = jsonText(body);
    res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
        ...headers,
    });
    res.end(text);
}
/**
 * A refusal as a reply: its status, the error body, and Retry-After when it is for load or a
 * rate limit (the refusal's own seconds when it has them).
 */
export function refusalReply(r, retryAfterSeconds) {
    const spec = outcomes[r.code];
    const headers = {};
    if (spec.status === 503 || spec.status === 429) {
        headers['retry-after'] = String(r.retryAfterSeconds ?? retryAfterSeconds);
    }
    if (r.allow !== undefined)
        headers.allow = r.allow.join(', ');
    return { status: spec.status,
        body: { error: { ...r.details, code: r.code, message: r.message } }, headers };
}
export function sendRefusal(res, r, retryAfterSeconds) {
    const out = refusalReply(r, retryAfterSeconds);
    sendJson(res, out.status, out.body, out.headers);
}
/**
 * Whether a Content-Type names JSON: the media type `application/json`, in any case, with or
 * without parameters (`; charset=utf-8`), as RFC 9110 8.3.1 reads media types.
 */
export function isJsonMediaType(contentType) {
    if (contentType === undefined)
        return false;
    const semicolon = contentType.indexOf(';');
    const type = semicolon < 0 ? contentType : contentType.slice(0, semicolon);
    return type.trim().toLowerCase() === 'application/json';
}
/**
 * A request body read whole as a JSON object; an absent body reads as `{}`. A body that is
 * there must say it is JSON: without a Content-Type it is refused as text/plain is
 * (unsupported_media_type, docs/api.md), rather than guessed at.
 */
/**
 * A JSON body as an object: `unsupported_media_type`, `invalid_json`, or `invalid_request` (not
 * an object, or a NUL anywhere unless `nulAllowed`: the route's own field rules refuse it).
 */
export function parseJsonBody(contentType, text, nulAllowed = false) {
    if (text === '')
        return ok({});
    if (!isJsonMediaType(contentType))
        return refuse('unsupported_media_type');
    return parseObject(text, nulAllowed);
}
// A \u0000 escape not itself escaped. PostgreSQL cannot store a NUL in text and fails the
// whole statement (a 500, and for a batch, every command in it), so no body may carry one.
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/i;
export function parseObject(text, nulAllowed = false) {
    if (!nulAllowed && NUL_ESCAPE.test(text)) {
        return refuse('invalid_request', 'Text may not contain the NUL character (\\u0000).');
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return refuse('invalid_json');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return refuse('invalid_request', 'The body must be a JSON object.');
    }
    return ok(value);
}
/** Reads the raw body of at most `maxBytes` as UTF-8 text. */
export function readText(req, maxBytes) {
    return new Promise((resolve) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
            resolve(refuse('body_too_large', `The body may be at most ${maxBytes} bytes.`));
            req.resume();
            return;
        }
        const chunks = [];
        let size = 0;
        let done = false;
        const finish = (r) => {
            if (!done) {
                done = true;
                resolve(r);
            }
        };
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > maxBytes) {
                finish(refuse('body_too_large', `The body may be at most ${maxBytes} bytes.`));
                req.resume();
                return;
            }
            if (!done)
                chunks.push(chunk);
        });
        req.on('error', () => finish(refuse('invalid_json', 'The body could not be read.')));
        req.on('end', () => {
            if (!done)
                finish(ok(Buffer.concat(chunks, size).toString('utf8')));
        });
    });
}
//# sourceMappingURL=http-io.js.map