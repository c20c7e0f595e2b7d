// A real SMS provider: Twilio's Programmable Messaging REST API, "Create a Message resource".
//
// Protocol (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
//   POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
//   Authorization: Basic base64("{AccountSid}:{AuthToken}")
//     (https://www.twilio.com/docs/usage/requests-to-twilio#credentials)
//   Content-Type: application/x-www-form-urlencoded
//   To=<E.164>&Body=<text>&From=<E.164 sender>   (or MessagingServiceSid=MG... instead of From)
// Success: 201 Created with the Message resource as JSON ({"sid": "SM...", "status": "queued"}).
// Failure: a 4xx/5xx with Twilio's error object
// (https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions): {"code": 21211, "message": "...", "more_info": "...",
// "status": 400}. Codes met here (https://www.twilio.com/docs/api/errors): 20003 authentication,
// 21211 invalid To, 21408 region not enabled, 21610 recipient unsubscribed, 20429 too many
// requests (HTTP 429). 429 and 5xx may succeed later; the rest will not.
import type { SmsSender } from './sms.js';

export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** An E.164 number, or a Messaging Service SID (MG...). */
  readonly from: string;
  /** https://api.twilio.com, or a stand-in in tests. */
  readonly baseUrl: string;
}

export interface SmsSendLimits {
  /** Requests to Twilio under way at once. */
  readonly smsConcurrencyMax: number;
  /** Sends waiting for a turn; beyond it a send is refused at once. */
  readonly smsQueueMax: number;
  /** One request's limit (ms), after which it is abandoned. */
  readonly smsTimeoutMs: number;
}

/** Why Twilio did not take a message: its error code (0 when it never answered) and status. */
export class SmsSendError extends Error {
  constructor(message: string, readonly code: number, readonly status: number,
    readonly retryable: boolean) {
    super(message);
  }
}

/** The E.164 form of a mainland mobile number (DOMAIN.md: 11 digits from 13-19). */
export function e164China(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

export class TwilioSmsSender implements SmsSender {
  readonly provider = 'twilio';
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #url: string;
  readonly #auth: string;

  constructor(private readonly config: TwilioConfig, private readonly limits: SmsSendLimits,
    private readonly fetchFn: typeof fetch = fetch) {
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
  async send(phone: string, text: string): Promise<void> {
    await this.sendMessage(phone, text);
  }

  async sendMessage(phone: string, text: string): Promise<string> {
    if (this.#running >= this.limits.smsConcurrencyMax) {
      if (this.#waiting.length >= this.limits.smsQueueMax) {
        throw new SmsSendError('too many text messages waiting', 0, 0, true);
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await this.#post(phone, text);
    } finally {
      // The turn passes straight to the next waiter, so #running stays counted.
      const next = this.#waiting.shift();
      if (next) next(); else this.#running -= 1;
    }
  }

  async #post(phone: string, text: string): Promise<string> {
    const form = new URLSearchParams({ To: e164China(phone), Body: text });
    form.set(this.config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.config.from);
    let res: Response;
    try {
      res = await this.fetchFn(this.#url, { method: 'POST', body: form.toString(),
        headers: { authorization: this.#auth,
          'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        signal: AbortSignal.timeout(this.limits.smsTimeoutMs) });
    } catch (err) {
      throw new SmsSendError(`Twilio did not answer: ${(err as Error).message}`, 0, 0, true);
    }
    let body: Record<string, unknown> = {};
    try {
      body = await res.json() as Record<string, unknown>;
    } catch {
      // A proxy's HTML page, say: the status still tells what happened.
    }
    if (res.status === 201 && typeof body.sid === 'string') return body.sid;
    const code = typeof body.code === 'number' ? body.code : 0;
    throw new SmsSendError(`Twilio refused the message: ${res.status} ${code} ${
      String(body.message ?? '')}`, code, res.status, res.status === 429 || res.status >= 500);
  }
}
