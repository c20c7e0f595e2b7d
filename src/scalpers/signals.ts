// The signals the suspicious-pattern report reads, as stored: one row per registration, firm
// order or drop hold, with the client's device, network, payment source and delivery address
// reduced to keys that compare equal when the raw values do and reveal little else. Pure.
// Source: issue #17 (anti-scalping), DOMAIN.md ("Anti-scalping"; ours: an admin view of
// suspicious patterns, many orders from one device, address or payment source).
//
// Privacy: a device id, payment source or delivery address is needed only to see that two
// accounts share it, so only a hash is kept (sha256 under a fixed label, 16 bytes: equal inputs
// give equal keys, and nobody can read an address or card back from one). The network is kept as
// its prefix, masked (/24 of IPv4, /64 of IPv6): an operator needs to see and act on a network,
// and the prefix names a provider's block, not a household. The city is kept as chosen.
import { isIP } from 'node:net';
import { sha256 } from '../kernel/ids.js';
import { ipv6Groups } from '../kernel/rate-limits.js';
import type { ClientEvent } from '../kernel/http/client-signals.js';

export type SignalKind = ClientEvent['kind'];

/** One stored signal (client_signals row). */
export interface Signal {
  readonly signalId: string;
  readonly kind: SignalKind;
  readonly accountId: string;
  readonly accountCreatedAtMs: number;
  /** The order or hold id; null for a registration. */
  readonly subjectId: string | null;
  /** `launch:<id>` or `drop:<id>`; null for a registration. */
  readonly scope: string | null;
  readonly units: number;
  readonly atMs: number;
  /** Hash of the device id (`dev_…`), or null when none was sent. */
  readonly deviceKey: string | null;
  /** The network prefix (`203.0.113.0/24`, `2001:db8:1:2::/64`), or null when unknown. */
  readonly networkKey: string | null;
  /** Hash of the payment source (`pay_…`), or null. */
  readonly paymentKey: string | null;
  /** Hash of the delivery address (`adr_…`), or null. */
  readonly addressKey: string | null;
  readonly city: string | null;
}

const keyed = (label: string, raw: string | null): string | null => (raw === null ? null
  : `${label}_${sha256(`launchday-signal\u0000${label}\u0000${raw}`).slice(0, 32)}`);

/**
 * The network an address belongs to: its /24 (IPv4, also as IPv4-mapped IPv6) or /64 (IPv6),
 * or null for an address that is none (unknown, '').
 */
export function networkOf(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const a = mapped ? mapped[1]! : address;
  const v = isIP(a);
  if (v === 4) return `${a.split('.').slice(0, 3).join('.')}.0/24`;
  if (v !== 6) return null;
  return `${ipv6Groups(a)!.slice(0, 4).join(':')}::/64`;
}

/** An address as typed, reduced so that spacing and case do not make two of one. */
export const normalAddress = (raw: string): string =>
  raw.normalize('NFKC').toLowerCase().replace(/[\s,.，。#-]+/g, '');

/** The stored signal of an event (`signalId` given by the caller). */
export function signalOf(signalId: string, e: ClientEvent): Signal {
  const address = e.deliveryAddress === null ? null : normalAddress(e.deliveryAddress);
  return { signalId, kind: e.kind, accountId: e.accountId,
    accountCreatedAtMs: e.accountCreatedAtMs, subjectId: e.subjectId, scope: e.scope,
    units: e.units, atMs: e.atMs, deviceKey: keyed('dev', e.facts.deviceId),
    networkKey: networkOf(e.facts.address), paymentKey: keyed('pay', e.facts.paymentSource),
    addressKey: address ? keyed('adr', address) : null, city: e.city };
}
