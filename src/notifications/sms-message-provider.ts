// Accounts' SMS port (accounts/sms.ts: the sandbox or Twilio, the one that texts sign-in codes)
// as a notifications provider, so that one configured SMS gateway carries both. That port has
// no idempotency key and no delivery reports: an accepted text is final, and a crash between
// Twilio's acceptance and its record can send that one text twice (at least once, not exactly
// once: README, "Notifications"). The sandbox provider (sandbox-message-provider.ts) has both.
import { SmsSendError, type SmsSender } from '../accounts/index.js';
import {
  ProviderError, type MessageProvider, type OutgoingMessage,
} from './message-provider.js';

export class SmsMessageProvider implements MessageProvider {
  readonly reportsDelivery = false;

  constructor(private readonly sms: SmsSender) {}

  get name(): string {
    return `sms:${this.sms.provider}`;
  }

  async submit(m: OutgoingMessage): Promise<{ providerMessageId: string }> {
    if (m.channel !== 'sms') throw new ProviderError(`${this.name} carries texts only`, false);
    try {
      await this.sms.send(m.to, m.text);
    } catch (err) {
      const retryable = err instanceof SmsSendError ? err.retryable : true;
      throw new ProviderError((err as Error).message, retryable);
    }
    return { providerMessageId: `${this.sms.provider}:${m.idempotencyKey}` };
  }

  onReport(): void {
    // Accounts' SMS port reports nothing.
  }
}
