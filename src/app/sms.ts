// The SMS port. The sandbox keeps the last message per phone so development pages and tests
// can show the code that a real gateway would have texted.
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

export class SandboxSmsSender implements SmsSender {
  readonly sent = new Map<string, string>();
  readonly shows = true;

  async send(phone: string, text: string): Promise<void> {
    this.sent.set(phone, text);
  }
}
