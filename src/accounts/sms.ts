// The SMS port. Sign-in codes go out through it: to a real provider (twilio-sms-sender.ts), or
// to the sandbox, which keeps the messages for the operator's console and never for the caller.
export interface SmsSender {
  /** Which sender this is: shown to the operator beside the sandbox's messages. */
  readonly provider: string;
  /**
   * Hands one text to the provider. Resolves when it was accepted, rejects with the provider's
   * reason otherwise; the caller decides whether to wait.
   */
  send(phone: string, text: string): Promise<void>;
}

/** A text the sandbox "sent": what a real provider would have delivered to `phone`. */
export interface SandboxMessage {
  readonly phone: string;
  readonly text: string;
  readonly atMs: number;
}

/**
 * Sends nothing: keeps the newest `kept` messages in memory, per process, for the operator
 * (GET /api/v1/admin/sandbox/sms) and for tests.
 */
export class SandboxSmsSender implements SmsSender {
  readonly provider = 'sandbox';
  /** The last text per phone, the newest `kept` phones. */
  readonly sent = new Map<string, string>();
  readonly #messages: SandboxMessage[] = [];

  constructor(private readonly kept = 200, private readonly nowMs = () => Date.now()) {}

  async send(phone: string, text: string): Promise<void> {
    this.sent.delete(phone);
    this.sent.set(phone, text);
    if (this.sent.size > this.kept) this.sent.delete(this.sent.keys().next().value!);
    this.#messages.push({ phone, text, atMs: this.nowMs() });
    if (this.#messages.length > this.kept) this.#messages.shift();
  }

  /** The messages kept, newest first. */
  messages(): SandboxMessage[] {
    return [...this.#messages].reverse();
  }
}
