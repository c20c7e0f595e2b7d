// A provider that sends nothing and behaves like a real one: it accepts asynchronously, after a
// latency that is sometimes long; refuses some messages for now (a 5xx), some for good, and
// those over its rate (with a retry-after); sometimes accepts a message but loses the reply
// (the caller sees an error, yet the message goes out: the trap idempotency keys exist for);
// reports delivery later, sometimes "undelivered", sometimes twice, and sends a report again
// until its listener takes it. A key seen before is answered with the first acceptance and
// never sent twice. What "reached the phone" is counted per key, for tests and the operator.
// Randomness and time are injected, so a seeded test replays one run exactly.
import {
  ProviderError, type DeliveryReport, type MessageProvider, type OutgoingMessage,
  type ReportListener,
} from './message-provider.js';

/** Probabilities (0-1) and durations (ms) of the sandbox's behaviour. */
export interface SandboxBehaviour {
  /** Acceptance latency: uniform in [min, max], and `slowMs` for a `slowRate` share. */
  readonly acceptMsMin: number;
  readonly acceptMsMax: number;
  readonly slowRate: number;
  readonly slowMs: number;
  /** Refused for now (retryable), nothing sent. */
  readonly transientFailureRate: number;
  /** Refused for good (an unreachable number, say). */
  readonly rejectRate: number;
  /** Accepted and sent, but the caller sees a retryable error instead of the acceptance. */
  readonly lostReplyRate: number;
  /** Acceptances per second; beyond, a retryable refusal with the wait until the next second. */
  readonly ratePerSecond: number;
  /** Delivery report latency after acceptance: uniform in [min, max]. */
  readonly reportMsMin: number;
  readonly reportMsMax: number;
  /** Reported undelivered (the phone never got it). */
  readonly undeliveredRate: number;
  /** A report sent a second time. */
  readonly duplicateReportRate: number;
  /** How long until a report the listener did not take is sent again. */
  readonly reportRetryMs: number;
}

/** A provider that never misbehaves and answers at once: for route tests. */
export const PERFECT_SANDBOX: SandboxBehaviour = Object.freeze({
  acceptMsMin: 0, acceptMsMax: 0, slowRate: 0, slowMs: 0, transientFailureRate: 0, rejectRate: 0,
  lostReplyRate: 0, ratePerSecond: 1_000_000, reportMsMin: 0, reportMsMax: 0,
  undeliveredRate: 0, duplicateReportRate: 0, reportRetryMs: 1_000,
});

/** What a running server's sandbox does: a plausible gateway on a bad day. */
export const DEFAULT_SANDBOX: SandboxBehaviour = Object.freeze({
  acceptMsMin: 20, acceptMsMax: 200, slowRate: 0.02, slowMs: 3_000, transientFailureRate: 0.03,
  rejectRate: 0, lostReplyRate: 0.02, ratePerSecond: 100, reportMsMin: 500, reportMsMax: 5_000,
  undeliveredRate: 0.02, duplicateReportRate: 0.05, reportRetryMs: 2_000,
});

/**
 * Time as the sandbox sees it: a clock and a way to run something later. `background`: work
 * the provider does on its own (delivery reports), which must not keep a process alive; a reply
 * to a hand-over does, as the open connection of a real provider's request would.
 */
export interface SandboxScheduler {
  nowMs(): number;
  after(ms: number, fn: () => void, background?: boolean): void;
}

/** Real time; `close` cancels the timers. */
export class RealTimeScheduler implements SandboxScheduler {
  readonly #timers = new Set<NodeJS.Timeout>();

  nowMs(): number {
    return Date.now();
  }

  after(ms: number, fn: () => void, background = false): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    if (background) t.unref();
    this.#timers.add(t);
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

/** A message that reached the phone, as the operator's console may show it. */
export interface HandsetMessage {
  readonly key: string;
  readonly to: string;
  readonly text: string;
  readonly atMs: number;
}

interface Accepted {
  readonly providerMessageId: string;
  readonly message: OutgoingMessage;
}

export class SandboxMessageProvider implements MessageProvider {
  readonly name = 'sandbox';
  readonly reportsDelivery = true;
  /** Keys accepted, oldest first; the newest `keysKept` are remembered (a real one keeps a day). */
  readonly #accepted = new Map<string, Accepted>();
  /** How many times each key reached the phone: never more than once. */
  readonly #handset = new Map<string, number>();
  readonly #recent: HandsetMessage[] = [];
  #listener: ReportListener | null = null;
  #second = -1;
  #acceptedThisSecond = 0;
  #sequence = 0;
  /** Every hand-over tried, accepted or not (for tests: how often one message was sent). */
  submits = 0;

  constructor(readonly behaviour: SandboxBehaviour = DEFAULT_SANDBOX,
    private readonly scheduler: SandboxScheduler = new RealTimeScheduler(),
    private readonly random: () => number = Math.random,
    private readonly keysKept = 100_000, private readonly recentKept = 200) {}

  onReport(listener: ReportListener): void {
    this.#listener = listener;
  }

  submit(m: OutgoingMessage): Promise<{ providerMessageId: string }> {
    this.submits += 1;
    const b = this.behaviour;
    const latency = this.random() < b.slowRate ? b.slowMs
      : b.acceptMsMin + Math.round((b.acceptMsMax - b.acceptMsMin) * this.random());
    if (latency === 0) return Promise.resolve().then(() => this.#take(m));
    return new Promise((resolve, reject) => this.scheduler.after(latency, () => {
      try {
        resolve(this.#take(m));
      } catch (err) {
        reject(err);
      }
    }));
  }

  /** How many times the message with this key reached the phone (0 or 1). */
  deliveredCount(key: string): number {
    return this.#handset.get(key) ?? 0;
  }

  /** Every key that reached a phone, with how many times. */
  deliveries(): ReadonlyMap<string, number> {
    return this.#handset;
  }

  /** The newest messages that reached a phone, newest first. */
  recent(): HandsetMessage[] {
    return [...this.#recent].reverse();
  }

  close(): void {
    if (this.scheduler instanceof RealTimeScheduler) this.scheduler.close();
  }

  #take(m: OutgoingMessage): { providerMessageId: string } {
    const b = this.behaviour;
    const second = Math.floor(this.scheduler.nowMs() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#acceptedThisSecond = 0;
    }
    if (this.#acceptedThisSecond >= b.ratePerSecond) {
      throw new ProviderError('429 too many requests', true,
        (second + 1) * 1000 - this.scheduler.nowMs());
    }
    if (this.random() < b.transientFailureRate) {
      throw new ProviderError('503 service unavailable', true);
    }
    const known = this.#accepted.get(m.idempotencyKey);
    if (known) return { providerMessageId: known.providerMessageId };
    if (this.random() < b.rejectRate) throw new ProviderError('400 unreachable number', false);
    this.#acceptedThisSecond += 1;
    const accepted = { providerMessageId: `sbx_${++this.#sequence}`, message: m };
    this.#accepted.set(m.idempotencyKey, accepted);
    if (this.#accepted.size > this.keysKept) {
      this.#accepted.delete(this.#accepted.keys().next().value!);
    }
    this.scheduler.after(b.reportMsMin + Math.round((b.reportMsMax - b.reportMsMin)
      * this.random()), () => this.#deliver(accepted), true);
    if (this.random() < b.lostReplyRate) {
      throw new ProviderError('connection reset before the reply', true);
    }
    return { providerMessageId: accepted.providerMessageId };
  }

  /** The moment the message reaches the phone, or does not; then its report. */
  #deliver(a: Accepted): void {
    const b = this.behaviour;
    const delivered = this.random() >= b.undeliveredRate;
    if (delivered) {
      const key = a.message.idempotencyKey;
      this.#handset.set(key, (this.#handset.get(key) ?? 0) + 1);
      this.#recent.push({ key, to: a.message.to, text: a.message.text,
        atMs: this.scheduler.nowMs() });
      if (this.#recent.length > this.recentKept) this.#recent.shift();
    }
    const report: DeliveryReport = { idempotencyKey: a.message.idempotencyKey,
      providerMessageId: a.providerMessageId, status: delivered ? 'delivered' : 'undelivered',
      detail: delivered ? 'DELIVRD' : 'UNDELIV: handset unreachable' };
    this.#report(report);
    if (this.random() < b.duplicateReportRate) {
      this.scheduler.after(b.reportRetryMs, () => this.#report(report), true);
    }
  }

  /** Sends a report until the listener takes it, as a provider retries its webhook. */
  #report(r: DeliveryReport): void {
    const retry = (): void => this.scheduler.after(this.behaviour.reportRetryMs,
      () => this.#report(r), true);
    const listener = this.#listener;
    if (listener === null) {
      retry();
      return;
    }
    listener(r).catch(retry);
  }
}
