// Notifications from the payment provider are signed: HMAC-SHA256 over "<timestamp>.<body>"
// with a shared secret, sent as `Payment-Signature: t=<ms>,v1=<hex>`. A notification that is
// unsigned, wrongly signed or older than the tolerance (a replay) is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';
export const SIGNATURE_HEADER = 'payment-signature';
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;
export function sign(secret, timestampMs, body) {
    const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
    return `t=${timestampMs},v1=${mac}`;
}
export function verify(secret, header, body, nowMs) {
    if (!header || header.length > 200)
        return false;
    const m = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header);
    if (!m)
        return false;
    const t = Number(m[1]);
    if (Math.abs(nowMs - t) > SIGNATURE_TOLERANCE_MS)
        return false;
    const expected = Buffer.from(sign(secret, t, body).slice(-64), 'hex');
    return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}
//# sourceMappingURL=payment-signature.js.map