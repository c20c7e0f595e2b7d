// Accounts' SMS port (accounts/sms.ts: the sandbox or Twilio, the one that texts sign-in codes)
// as a notifications provider, so that one configured SMS gateway carries both. That port has
// no idempotency key and no delivery reports: an accepted text is final, and a crash between
// Twilio's acceptance and its record can send that one text twice (at least once, not exactly
// once: README, "Notifications"). The sandbox provider (sandbox-message-provider.ts) has both.
import { SmsSendError } from '../accounts/index.js';
import { ProviderError, } from './message-provider.js';
export class SmsMessageProvider {
    sms;
    reportsDelivery = false;
    constructor(sms) {
        this.sms = sms;
    }
    get name() {
        return `sms:${this.sms.provider}`;
    }
    async submit(m) {
        if (m.channel !== 'sms')
            throw new ProviderError(`${this.name} carries texts only`, false);
        try {
            await this.sms.send(m.to, m.text);
        }
        catch (err) {
            const retryable = err instanceof SmsSendError ? err.retryable : true;
            throw new ProviderError(err.message, retryable);
        }
        return { providerMessageId: `${this.sms.provider}:${m.idempotencyKey}` };
    }
    onReport() {
        // Accounts' SMS port reports nothing.
    }
}
//# sourceMappingURL=sms-message-provider.js.map