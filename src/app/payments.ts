// The payment port. The real provider is out of reach from here, so launchday ships a sandbox
// that keeps the provider's contract: a charge is identified by the caller's reference, so a
// retried charge returns the first answer instead of taking the money twice.
import { hash } from 'node:crypto';
import { sign, SIGNATURE_HEADER } from './payment-signature.js';
import { RecentMap } from './recent-map.js';

export type ChargeResult =
  | { readonly status: 'approved'; readonly paymentId: string }
  | { readonly status: 'declined'; readonly reason: string };

export interface PaymentProvider {
  /** Takes a deposit. A charge that no committed order holds is released with `void`. */
  charge(req: { reference: string; amountFen: number; payer: string }): Promise<ChargeResult>;
  /**
   * Releases a charge no order holds (the order was refused after the payment): the money
   * never left the buyer's hold, so no notification follows. A charge neither kept by an order
   * nor voided (the process died in between) lapses at the provider.
   */
  void(req: { reference: string }): Promise<void>;
  /**
   * Asks for money back for a reference; refunding the same reference twice returns it once.
   * Accepted here; the provider confirms later with a signed `refund.succeeded` notification.
   */
  refund(req: { reference: string; amountFen: number }): Promise<void>;
}

/** The deposit's reference: the same account, key and body always pay under the same one. */
export function depositReference(accountId: string, idempotencyKey: string,
  requestHash: string): string {
  return `dep_${hash('sha256', `${accountId}\u0000${idempotencyKey}\u0000${requestHash}`,
    'base64url').slice(0, 32)}`;
}

export interface SandboxOptions {
  /** Payers whose charges the sandbox declines, to exercise the decline path. */
  readonly declinePayers?: ReadonlySet<string>;
  /** Delay before a refund's notification is sent (ms), as [least, most]. */
  readonly notifyDelayMs?: readonly [number, number];
  /** Share of notifications sent very late (ten times the longest delay). */
  readonly lateShare?: number;
  /** Share of notifications sent twice. */
  readonly duplicateShare?: number;
  /** Delivery attempts per notification before the sandbox gives up on it. */
  readonly deliveryAttempts?: number;
  readonly random?: () => number;
  /** How many recent charge and refund references the sandbox remembers. */
  readonly referencesKept?: number;
}

const DEFAULT_REFERENCES_KEPT = 100_000;

/** Where the sandbox posts its notifications: the webhook, as raw body and headers. */
export type Deliver = (body: string, headers: Record<string, string>) => Promise<number>;

/**
 * In-memory sandbox that keeps the real provider's contract: a charge is approved inside the
 * call; a refund is accepted at once and settled later by a signed notification, sometimes
 * late, sometimes twice, retried until the receiver answers 2xx.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  /** Recent references only: a retry comes within minutes, and the sandbox must stay small. */
  readonly charges: RecentMap<{ amountFen: number; result: ChargeResult }>;
  readonly refunds: RecentMap<number>;
  voided = 0;
  /** Notifications the receiver has acknowledged (duplicates included). */
  delivered = 0;
  #next = 0;
  #deliver: Deliver | null = null;
  #secret = '';
  readonly #waiting: Array<() => void> = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SandboxOptions = {}) {
    const kept = options.referencesKept ?? DEFAULT_REFERENCES_KEPT;
    this.charges = new RecentMap(kept);
    this.refunds = new RecentMap(kept);
  }

  /** Starts delivering notifications, signed with the secret both sides share. */
  connect(secret: string, deliver: Deliver): void {
    this.#secret = secret;
    this.#deliver = deliver;
    for (const send of this.#waiting.splice(0)) send();
  }

  /** Stops every delivery still scheduled. */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#deliver = null;
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  #notify(reference: string, amountFen: number): void {
    const random = this.options.random ?? Math.random;
    const [least, most] = this.options.notifyDelayMs ?? [50, 500];
    const delay = (): number => {
      const ms = least + random() * (most - least);
      return random() < (this.options.lateShare ?? 0.1) ? ms + most * 10 : ms;
    };
    const body = JSON.stringify({ event_id: `evt_${++this.#next}`, type: 'refund.succeeded',
      reference, amount_fen: amountFen, occurred_at: new Date().toISOString() });
    const copies = random() < (this.options.duplicateShare ?? 0.1) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.#later(delay(), () => this.#send(body, 1));
  }

  #send(body: string, attempt: number): void {
    if (!this.#deliver) {
      this.#waiting.push(() => this.#send(body, attempt));
      return;
    }
    const headers = { 'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(this.#secret, Date.now(), body) };
    this.#deliver(body, headers).then((status) => {
      if (status >= 200 && status < 300) this.delivered++;
      else throw new Error(`status ${status}`);
    }).catch(() => {
      if (attempt < (this.options.deliveryAttempts ?? 8)) {
        this.#later(100 * 2 ** attempt, () => this.#send(body, attempt + 1));
      }
    });
  }

  async charge(req: { reference: string; amountFen: number; payer: string }):
    Promise<ChargeResult> {
    const seen = this.charges.get(req.reference);
    if (seen && !this.refunds.has(req.reference)) return seen.result;
    const result: ChargeResult = this.options.declinePayers?.has(req.payer)
      ? { status: 'declined', reason: 'sandbox: payer on the decline list' }
      : { status: 'approved', paymentId: `pay_${++this.#next}` };
    this.charges.set(req.reference, { amountFen: req.amountFen, result });
    this.refunds.delete(req.reference);
    return result;
  }

  async void(req: { reference: string }): Promise<void> {
    if (this.charges.delete(req.reference)) this.voided++;
  }

  async refund(req: { reference: string; amountFen: number }): Promise<void> {
    if (this.refunds.has(req.reference)) return;
    this.refunds.set(req.reference, req.amountFen);
    this.#notify(req.reference, req.amountFen);
  }
}
