// The two signed tokens a waiting room hands out: the queue ticket (held by the client, so a
// reload or a dropped connection keeps the place without the server remembering who polls),
// and the pass (a short-lived right to one order). HMAC-SHA256 with the room secret (config
// LAUNCHDAY_WAITING_ROOM_SECRET, else generated at first start and kept in the store), so a
// client cannot forge a better place or a pass; checking one costs no database read.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a ticket says: room, ticket, its line key once known, the last position shown. */
export interface TicketClaims {
  readonly r: string;
  readonly t: string;
  readonly k: number | null;
  /** The smallest position shown so far (0: none yet): a later reply never shows more. */
  readonly p: number;
}

/** What a pass says: room, pass, when it ends (ms). */
export interface PassClaims {
  readonly r: string;
  readonly p: string;
  readonly e: number;
}

const TICKET = 'wrt1';
const PASS = 'wrp1';
/** Tokens longer than this are refused unread (a ticket is about 150 characters). */
export const ROOM_TOKEN_CHARS_MAX = 512;

const mac = (secret: string, kind: string, body: string): string =>
  createHmac('sha256', secret).update(`${kind}.${body}`).digest('base64url');

function sign(secret: string, kind: string, claims: object): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${kind}.${body}.${mac(secret, kind, body)}`;
}

function open(secret: string, kind: string, token: string): Record<string, unknown> | null {
  if (token.length > ROOM_TOKEN_CHARS_MAX) return null;
  const [k, body, sig, extra] = token.split('.');
  if (k !== kind || body === undefined || sig === undefined || extra !== undefined) return null;
  const want = Buffer.from(mac(secret, kind, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

export const signTicket = (secret: string, c: TicketClaims): string => sign(secret, TICKET, c);
export const signPass = (secret: string, c: PassClaims): string => sign(secret, PASS, c);

/** The ticket's claims if its signature holds, else null. */
export function openTicket(secret: string, token: string): TicketClaims | null {
  const v = open(secret, TICKET, token);
  if (!v || typeof v.r !== 'string' || typeof v.t !== 'string'
    || !(v.k === null || Number.isSafeInteger(v.k)) || !Number.isSafeInteger(v.p)) return null;
  return { r: v.r, t: v.t, k: v.k as number | null, p: v.p as number };
}

/** The pass's claims if its signature holds, else null (expiry is the caller's to check). */
export function openPass(secret: string, token: string): PassClaims | null {
  const v = open(secret, PASS, token);
  if (!v || typeof v.r !== 'string' || typeof v.p !== 'string' || !Number.isSafeInteger(v.e)) {
    return null;
  }
  return { r: v.r, p: v.p, e: v.e as number };
}
