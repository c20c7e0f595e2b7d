// Deliveries' side of reconciliation for balance parts, as orders' payment-reconciler.ts is for
// refunds. A part's notification can be lost (by the provider, or with a process), and a
// process can die between committing a part and handing it to the provider; either leaves the
// part `pending`, and the buyer waiting, with nothing to wake it. Here launchday asks instead:
// a part pending longer than `collectionCheckAfterMs` is asked about (`collectionStatus`),
// settled on the answer, handed over again (same reference: the provider answers as the first
// time) when the provider never got it, and asked again after twice as long each time, up to
// `collectionCheckMaxIntervalMs`, until it is settled. The questions asked are kept with the
// part (`checks`, `next_check_at_ms`), so a restart resumes the backoff where it was. Settling
// goes through the same `settlePart` as a notification does: a late notification after the
// answer (or the answer after the notification) finds the part settled and changes nothing.
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import type { Store } from '../kernel/store/store.js';
import {
  PROVIDER_ERRORS_IN_A_ROW_MAX, type CollectionStatus, type PaymentProvider,
} from '../payments/index.js';
import type { PartToCheck } from './deliveries-store.js';
import type { PartOutcome } from './delivery.js';

export interface CollectionReconcilerDeps {
  readonly store: Store;
  readonly payments: PaymentProvider;
  readonly clock: Clock;
  readonly limits: Pick<Limits, 'collectionCheckAfterMs' | 'collectionCheckMaxIntervalMs'
    | 'collectionChecksPerRound'>;
  /** Settles a part on the provider's word (DeliveriesService.settle). */
  settle(reference: string, outcome: PartOutcome, amountFen: number, source: string):
    Promise<{ anomaly: string | null }>;
  /** Hands a part to the provider again: its answer, or null while it is pending. */
  resend(part: PartToCheck): Promise<PartOutcome | null>;
}

/** What one round did. */
export interface CollectionReport {
  /** Parts settled as received on the provider's answer. */
  readonly received: number;
  /** Parts settled as failed on the provider's answer. */
  readonly failed: number;
  /** Parts the provider did not know, handed to it again. */
  readonly resent: number;
  /** Parts still pending at the provider (asked again later). */
  readonly pending: number;
  /** Parts the provider reported at another amount (kept as anomalies). */
  readonly mismatched: number;
  /** Parts whose question failed (an error, not an answer): asked again after the backoff. */
  readonly unanswered: number;
}

/**
 * The wait (ms) before the next question about a part asked `checks` times so far: the first
 * wait doubled for each question, never more than the longest.
 */
export function nextCheckDelayMs(checks: number,
  limits: Pick<Limits, 'collectionCheckAfterMs' | 'collectionCheckMaxIntervalMs'>): number {
  const doubled = limits.collectionCheckAfterMs * 2 ** Math.min(checks, 30);
  return Math.min(doubled, limits.collectionCheckMaxIntervalMs);
}

export class CollectionReconciler {
  /** The round under way: a timer that fires during a slow round joins it. */
  #round: Promise<CollectionReport> | null = null;

  constructor(private readonly deps: CollectionReconcilerDeps) {}

  /**
   * One round over the parts due (at most `collectionChecksPerRound`). Safe on many processes
   * at once: settling is idempotent, and a question asked twice costs only the question.
   */
  reconcile(): Promise<CollectionReport> {
    this.#round ??= this.#once().finally(() => {
      this.#round = null;
    });
    return this.#round;
  }

  async #once(): Promise<CollectionReport> {
    const { store, payments, clock, limits } = this.deps;
    const report = { received: 0, failed: 0, resent: 0, pending: 0, mismatched: 0,
      unanswered: 0 };
    if (!payments.collectionStatus) return report;
    const due = await store.partsToCheck(clock.nowMs(), limits.collectionCheckAfterMs,
      limits.collectionChecksPerRound);
    let errorsInARow = 0;
    for (const part of due) {
      let status: CollectionStatus;
      try {
        status = await payments.collectionStatus(part.reference);
        if (status.status === 'unknown') {
          report.resent++;
          const outcome = await this.deps.resend(part);
          status = outcome === null ? { status: 'pending' } : outcome === 'failed'
            ? { status: 'failed' } : { status: 'succeeded', amountFen: part.amountFen };
        }
      } catch {
        // This part's question failed: it waits its backoff like a pending one, so that it
        // never heads the next round's list in front of the others (one reference the provider
        // rejects stopped every part after it). Several in a row: the provider is away, and the
        // rest are asked in a later round.
        report.unanswered++;
        await this.#checked(part);
        if (++errorsInARow >= PROVIDER_ERRORS_IN_A_ROW_MAX) break;
        continue;
      }
      errorsInARow = 0;
      await this.#apply(part, status, report);
    }
    return report;
  }

  async #apply(part: PartToCheck, status: CollectionStatus,
    report: { -readonly [K in keyof CollectionReport]: number }): Promise<void> {
    if (status.status === 'succeeded') {
      const r = await this.deps.settle(part.reference, 'succeeded', status.amountFen,
        'status_query');
      if (r.anomaly === 'amount_mismatch') report.mismatched++;
      else report.received++;
    } else if (status.status === 'failed') {
      await this.deps.settle(part.reference, 'failed', part.amountFen, 'status_query');
      report.failed++;
    } else report.pending++;
    // A part settled above is no longer pending, and this changes nothing for it; one still
    // pending (or reported at another amount) is asked again after the backoff.
    await this.#checked(part);
  }

  async #checked(part: PartToCheck): Promise<void> {
    const checks = part.checks + 1;
    const nowMs = this.deps.clock.nowMs();
    await this.deps.store.transaction((tx) => tx.partChecked(part.partId, checks,
      nowMs + nextCheckDelayMs(checks, this.deps.limits)));
  }
}
