// The signals the suspicious-pattern report reads, as stored: one row per registration, firm
// order, drop hold or attempt that took nothing (an order or purchase refused, a waitlist or
// waiting room joined: ClientEvent), with the client's device, network, payment source and
// delivery address reduced to keys that compare equal when the raw values do and reveal little
// else. Pure.
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
import { addressKey, canonicalAddress } from '../kernel/rate-limits.js';
import type { ClientEvent, ClientFacts } from '../kernel/http/client-signals.js';

export type SignalKind = ClientEvent['kind'];

/** One stored signal (client_signals row). */
export interface Signal {
  readonly signalId: string;
  readonly kind: SignalKind;
  readonly accountId: string;
  readonly accountCreatedAtMs: number;
  /** The order or hold id; null for a registration and an attempt that took nothing. */
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
 * The network an address belongs to: its /24 (IPv4, also written as IPv6 embedding it) or /64
 * (IPv6); an address of `::/64` (the loopback `::1`) is its own network; null for an address
 * that is none (unknown, ''). The address is read as the rate limits read it (canonicalAddress,
 * addressKey), so a client is one network here whichever way its address was spelt.
 */
export function networkOf(address: string): string | null {
  const a = canonicalAddress(address);
  if (a === null) return null;
  if (isIP(a) === 4) return `${a.split('.').slice(0, 3).join('.')}.0/24`;
  return addressKey(a);
}

/** An address as typed, reduced so that spacing and case do not make two of one. */
export const normalAddress = (raw: string): string =>
  raw.normalize('NFKC').toLowerCase().replace(/[\s,.，。#-]+/g, '');

/** The keys a request's facts are stored as: two hashes and the network's prefix. */
export interface FactKeys {
  readonly deviceKey: string | null;
  readonly networkKey: string | null;
  readonly paymentKey: string | null;
}

/** The stored keys of a request's facts (the device and payment source hashed). */
export const factKeysOf = (f: ClientFacts): FactKeys => ({ deviceKey: keyed('dev', f.deviceId),
  networkKey: networkOf(f.address), paymentKey: keyed('pay', f.paymentSource) });

/** The stored key of a delivery address as typed (null for none, or one that is all spacing). */
export function addressKeyOf(deliveryAddress: string | null): string | null {
  const address = deliveryAddress === null ? null : normalAddress(deliveryAddress);
  return address ? keyed('adr', address) : null;
}

/** The stored signal of an event (`signalId` given by the caller). */
export function signalOf(signalId: string, e: ClientEvent): Signal {
  return { signalId, kind: e.kind, accountId: e.accountId,
    accountCreatedAtMs: e.accountCreatedAtMs, subjectId: e.subjectId, scope: e.scope,
    units: e.units, atMs: e.atMs, ...factKeysOf(e.facts),
    addressKey: addressKeyOf(e.deliveryAddress), city: e.city };
}
