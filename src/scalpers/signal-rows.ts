// A client_signals row as read from either store, as a Signal.
import type { Signal, SignalKind } from './signals.js';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const signalFromRow = (r: Record<string, unknown>): Signal => ({
  signalId: String(r.signal_id), kind: String(r.kind) as SignalKind,
  accountId: String(r.account_id), accountCreatedAtMs: Number(r.account_created_at_ms),
  subjectId: str(r.subject_id), scope: str(r.scope), units: Number(r.units),
  atMs: Number(r.at_ms), deviceKey: str(r.device_key), networkKey: str(r.network_key),
  paymentKey: str(r.payment_key), addressKey: str(r.address_key), city: str(r.city),
});

/** The row's values in column order (signal_id … city), for an INSERT. */
export const signalValues = (s: Signal): unknown[] => [s.signalId, s.kind, s.accountId,
  s.accountCreatedAtMs, s.subjectId, s.scope, s.units, s.atMs, s.deviceKey, s.networkKey,
  s.paymentKey, s.addressKey, s.city];

export const SIGNAL_COLUMNS = 'signal_id, kind, account_id, account_created_at_ms, subject_id, '
  + 'scope, units, at_ms, device_key, network_key, payment_key, address_key, city';
