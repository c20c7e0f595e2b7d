// The port to whoever carries messages to buyers' phones: an SMS gateway or an app-push service.
// Real ones work alike: a message is handed over and accepted (or refused: rate-limited,
// failing for now, or for good), delivered some time later, and the delivery reported back
// separately, now and then twice. Handing over carries an idempotency key: a provider that has
// seen the key answers with the first acceptance and sends nothing again, which is what makes a
// retry after a lost reply or a crash safe (sandbox-message-provider.ts behaves so).
import type { Channel } from './notification.js';

export interface OutgoingMessage {
  /** The same for every retry of one message (notification.ts, idempotencyKey). */
  readonly idempotencyKey: string;
  readonly channel: Channel;
  /** A mainland mobile number (sms) or an account id (push). */
  readonly to: string;
  readonly text: string;
}

export interface DeliveryReport {
  readonly idempotencyKey: string;
  readonly providerMessageId: string;
  /** Whether it reached the phone. */
  readonly status: 'delivered' | 'undelivered';
  readonly detail: string;
}

/** Hears a delivery report; the provider sends the report again later if it rejects. */
export type ReportListener = (report: DeliveryReport) => Promise<void>;

/** Why a provider did not accept a message, and whether trying again may help. */
export class ProviderError extends Error {
  constructor(message: string, readonly retryable: boolean,
    /** How long the provider asked to wait (a rate limit's Retry-After), ms. */
    readonly retryAfterMs: number | null = null) {
    super(message);
  }
}

export interface MessageProvider {
  /** Shown to operators beside each message. */
  readonly name: string;
  /** False for a provider that never reports delivery: an accepted message is then final. */
  readonly reportsDelivery: boolean;
  /**
   * Hands one message over. Resolves with the provider's id once accepted (for a key already
   * accepted, the first acceptance's id, and nothing is sent again); rejects with a
   * ProviderError when refused.
   */
  submit(message: OutgoingMessage): Promise<{ readonly providerMessageId: string }>;
  /** Where delivery reports go from now on (one listener; the latest wins). */
  onReport(listener: ReportListener): void;
  /** Stops its timers; for a provider living in this process (the sandbox). */
  close?(): void;
}
