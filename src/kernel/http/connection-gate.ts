// The per-address connection cap, at accept: each new connection is counted against its
// network address (an IPv4 address, or an IPv6 /64: rate-limits.ts `addressKey`), and an IPv6
// one also against its /48, before the lane or node:http reads a byte of it. Past
// `Limits.connectionsPerAddressMax`, or `Limits.connectionsPerNetworkMax` for the /48, the
// connection is answered `429 too_many_connections` (the JSON error body, Retry-After) and
// closed: one machine, one subscriber's /64, or a subscriber's /56 (256 /64s, which each held
// 512 and so all of `connectionsMax`, which node:http enforces before this gate sees the socket)
// cannot take every connection the process has room for.
//
// The cost is one or two map lookups and one close listener per connection, nothing per request.
import type { Socket } from 'node:net';
import { addressKey } from '../rate-limits.js';
import { endWithRefusal } from './client-errors.js';

/** The socket as the gate uses it: its address, its close, and the refusal written to it. */
export type GatedSocket = Pick<Socket, 'remoteAddress' | 'once' | 'resume'>
  & Parameters<typeof endWithRefusal>[0];

/**
 * The IPv6 /48 an address key (addressKey: an IPv4 address, `a:b:c:d::/64`, or an address of
 * `::/64` such as the loopback `::1`) lies in (`a:b:c::/48`, a site's usual allocation), or null
 * for an IPv4 address (also one written as IPv6: canonicalAddress) or one of `::/64`: a
 * carrier's NAT spreads its phones over few IPv4 addresses, and a /24 cap would refuse its honest
 * crowd; `::/48` is no site's, and gathered the loopback with every IPv4-compatible address.
 */
export function networkKey(key: string): string | null {
  if (!key.endsWith('::/64')) return null;
  return `${key.split(':', 3).join(':')}::/48`;
}

export class ConnectionGate {
  /** Connections open per address key, and per /48 key; a key with none has no entry. */
  readonly #open = new Map<string, number>();
  /** Connections refused for their address or network since start (for the metrics). */
  refused = 0;

  /**
   * `perAddressMax`: Limits.connectionsPerAddressMax. `perNetworkMax`:
   * Limits.connectionsPerNetworkMax, for the IPv6 /48 (at least `perAddressMax`).
   * `retryAfterSeconds`: the wait the refusal suggests (Limits.retryAfterSeconds): an idle
   * connection of the same address may have closed by then.
   */
  constructor(readonly perAddressMax: number, readonly perNetworkMax: number,
    readonly retryAfterSeconds: number) {}

  /**
   * Counts `socket` against its address (and its /48): true when it may be served; false when
   * it was refused (the refusal is written, the socket is closing, and nothing else may read
   * it). A socket whose address is unknown (already gone) counts under ''.
   */
  admit(socket: GatedSocket): boolean {
    const key = addressKey(socket.remoteAddress ?? '');
    const network = networkKey(key);
    const open = this.#open.get(key) ?? 0;
    const inNetwork = network === null ? 0 : this.#open.get(network) ?? 0;
    if (open >= this.perAddressMax || inNetwork >= this.perNetworkMax) {
      this.refused++;
      // What the peer sent is read and dropped: closing with unread bytes would reset the
      // connection, and the peer could lose the refusal before reading it.
      socket.resume();
      endWithRefusal(socket, 'too_many_connections', this.retryAfterSeconds);
      return false;
    }
    this.#open.set(key, open + 1);
    if (network !== null) this.#open.set(network, inNetwork + 1);
    socket.once('close', () => {
      this.#release(key);
      if (network !== null) this.#release(network);
    });
    return true;
  }

  #release(key: string): void {
    const left = this.#open.get(key)! - 1;
    if (left === 0) this.#open.delete(key);
    else this.#open.set(key, left);
  }

  /** Connections open from the address `address` counts under (tests, diagnostics). */
  openFrom(address: string): number {
    return this.#open.get(addressKey(address)) ?? 0;
  }

  /** Connections open from the IPv6 /48 `address` lies in; 0 for IPv4 (tests, diagnostics). */
  openFromNetwork(address: string): number {
    const network = networkKey(addressKey(address));
    return network === null ? 0 : this.#open.get(network) ?? 0;
  }
}
