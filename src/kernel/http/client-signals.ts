// What a request tells about the client beyond who is signed in: the device it says it is (the
// pages keep one random id per browser and send it as X-Device-Id), the network it came from
// (the client address as rate-limits.ts reads it, LAUNCHDAY_TRUST_PROXY honoured), and the payment
// source it names (X-Payment-Source: the sandbox's instrument id; a real provider reports its own
// instrument fingerprint with the charge). A capability that writes an account, an order or a
// purchase hands these to the composition (`app.observe`), which keeps them for the operators'
// suspicious-pattern report. Raw values never reach the store: see scalpers/signals.ts.
import type { IncomingHttpHeaders } from 'node:http';

/** The header a browser's stable device id arrives in (web/js/api.js). */
export const DEVICE_ID_HEADER = 'x-device-id';
/** The header naming the payment instrument (sandbox; a provider would report it). */
export const PAYMENT_SOURCE_HEADER = 'x-payment-source';

/** A device id or payment source that passes: 8-128 of a safe alphabet; anything else is none. */
const TOKEN = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The raw facts of one request; `null` where the client sent nothing usable. */
export interface ClientFacts {
  readonly deviceId: string | null;
  /** The client's address ('' when unknown), as `Ctx.address`. */
  readonly address: string;
  readonly paymentSource: string | null;
}

const headerToken = (h: IncomingHttpHeaders, name: string): string | null => {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && TOKEN.test(s) ? s : null;
};

/** Reads a request's facts; a malformed header counts as not sent (never a refusal). */
export function clientFacts(ctx: { headers: IncomingHttpHeaders; address: string }): ClientFacts {
  return { deviceId: headerToken(ctx.headers, DEVICE_ID_HEADER), address: ctx.address,
    paymentSource: headerToken(ctx.headers, PAYMENT_SOURCE_HEADER) };
}

/**
 * One buyer action worth remembering for the report: a registration, a firm order placed, a
 * drop hold taken, or an attempt that took nothing: an order or a drop purchase refused by the
 * sale (sold out, limit reached, payment declined), a drop's waitlist joined, a waiting room
 * joined while signed in. The attempts let the report see a ring by every account that tried,
 * not only by those that bought (behind a room only some of a ring's accounts get to buy).
 * `scope` is `launch:<id>` or `drop:<id>` (null for a registration).
 */
export interface ClientEvent {
  readonly kind: 'registration' | 'order' | 'drop_purchase' | 'order_refused'
    | 'purchase_refused' | 'waitlist_join' | 'room_join';
  readonly accountId: string;
  /** When the account was registered (ms): the report looks for bulk registrations. */
  readonly accountCreatedAtMs: number;
  /** The order or hold id; null for a registration and an attempt that took nothing. */
  readonly subjectId: string | null;
  readonly scope: string | null;
  /** Units asked for (1 for an order or a registration). */
  readonly units: number;
  /** The delivery city (orders), or null. */
  readonly city: string | null;
  /** A delivery address as typed (drops may take one), or null; stored hashed. */
  readonly deliveryAddress: string | null;
  readonly atMs: number;
  readonly facts: ClientFacts;
}
