/** Why Twilio did not take a message: its error code (0 when it never answered) and status. */
export class SmsSendError extends Error {
    code;
    status;
    retryable;
    constructor(message, code, status, retryable) {
        super(message);
        this.code = code;
        this.status = status;
        this.retryable = retryable;
    }
}
/** The E.164 form of a mainland mobile number (DOMAIN.md: 11 digits from 13-19). */
export function e164China(phone) {
    return phone.startsWith('+') ? phone : `+86${phone}`;
}
export class TwilioSmsSender {
    config;
    limits;
    fetchFn;
    provider = 'twilio';
    #running = 0;
    #waiting = [];
    #url;
    #auth;
    constructor(config, limits, fetchFn = fetch) {
        this.config = config;
        this.limits = limits;
        this.fetchFn = fetchFn;
        this.#url = `${config.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}`
            + '/Messages.json';
        this.#auth = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`)
            .toString('base64')}`;
    }
    /**
     * Sends one text, waiting for one of `smsConcurrencyMax` turns. Resolves with Twilio's
     * message SID; rejects with SmsSendError (code 0 for a timeout, a network error or a full
     * queue).
     */
    async send(phone, text) {
        await this.sendMessage(phone, text);
    }
    async sendMessage(phone, text) {
        if (this.#running >= this.limits.smsConcurrencyMax) {
            if (this.#waiting.length >= this.limits.smsQueueMax) {
                throw new SmsSendError('too many text messages waiting', 0, 0, true);
            }
            await new Promise((resolve) => this.#waiting.push(resolve));
        }
        else {
            this.#running += 1;
        }
        try {
            return await this.#post(phone, text);
        }
        finally {
            // The turn passes straight to the next waiter, so #running stays counted.
            const next = this.#waiting.shift();
            if (next)
                next();
            else
                this.#running -= 1;
        }
    }
    async #post(phone, text) {
        const form = new URLSearchParams({ To: e164China(phone), Body: text });
        form.set(this.config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.config.from);
        let res;
        try {
            res = await this.fetchFn(this.#url, { method: 'POST', body: form.toString(),
                headers: { authorization: this.#auth,
                    'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
                signal: AbortSignal.timeout(this.limits.smsTimeoutMs) });
        }
        catch (err) {
            throw new SmsSendError(`Twilio did not answer: ${err.message}`, 0, 0, true);
        }
        let body = {};
        try {
            body = await res.json();
        }
        catch {
            // A proxy's HTML page, say: the status still tells what happened.
        }
        if (res.status === 201 && typeof body.sid === 'string')
            return body.sid;
        const code = typeof body.code === 'number' ? body.code : 0;
        throw new SmsSendError(`Twilio refused the message: ${res.status} ${code} ${String(body.message ?? '')}`, code, res.status, res.status === 429 || res.status >= 500);
    }
}
//# sourceMappingURL=twilio-sms-sender.js.map