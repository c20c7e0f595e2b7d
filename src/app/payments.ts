// The payment port. The real provider is out of reach from here, so launchday ships a sandbox
// that keeps the provider's contract: a charge is identified by the caller's reference, so a
// retried charge returns the first answer instead of taking the money twice.
import { createHash } from 'node:crypto';

export type ChargeResult =
  | { readonly status: 'approved'; readonly paymentId: string }
  | { readonly status: 'declined'; readonly reason: string };

export interface PaymentProvider {
  /** Takes a deposit. Uncaptured charges (no order committed) are voided by `refund`. */
  charge(req: { reference: string; amountFen: number; payer: string }): Promise<ChargeResult>;
  /** Returns money for a reference; refunding the same reference twice returns it once. */
  refund(req: { reference: string; amountFen: number }): Promise<void>;
}

/** The deposit's reference: the same account, key and body always pay under the same one. */
export function depositReference(accountId: string, idempotencyKey: string,
  requestHash: string): string {
  return `dep_${createHash('sha256').update(`${accountId}\u0000${idempotencyKey}\u0000${
    requestHash}`).digest('base64url').slice(0, 32)}`;
}

export interface SandboxOptions {
  /** Payers whose charges the sandbox declines, to exercise the decline path. */
  readonly declinePayers?: ReadonlySet<string>;
}

/** In-memory sandbox: approves inside the call, remembers every reference. */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly charges = new Map<string, { amountFen: number; result: ChargeResult }>();
  readonly refunds = new Map<string, number>();
  #next = 0;

  constructor(private readonly options: SandboxOptions = {}) {}

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

  async refund(req: { reference: string; amountFen: number }): Promise<void> {
    if (!this.refunds.has(req.reference)) this.refunds.set(req.reference, req.amountFen);
  }
}
