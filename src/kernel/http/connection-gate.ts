// The per-address connection cap, at accept: each new connection is counted against its
// network address (an IPv4 address, or an IPv6 /64: rate-limits.ts `addressKey`) before the
// lane or node:http reads a byte of it. Past `Limits.connectionsPerAddressMax` the connection
// is answered `429 too_many_connections` (the JSON error body, Retry-After) and closed: one
// machine, or one subscriber's /64, cannot take every connection the process has room for
// (`connectionsMax`, which node:http enforces before this gate sees the socket).
//
// The cost is one map lookup and one close listener per connection, nothing per request.
import type { Socket } from 'node:net';
import { addressKey } from '../rate-limits.js';
import { endWithRefusal } from './client-errors.js';

/** The socket as the gate uses it: its address, its close, and the refusal written to it. */
export type GatedSocket = Pick<Socket, 'remoteAddress' | 'once' | 'resume'>
  & Parameters<typeof endWithRefusal>[0];

export class ConnectionGate {
  /** Connections open per address key; an address with none has no entry. */
  readonly #open = new Map<string, number>();
  /** Connections refused for their address since start (for the metrics). */
  refused = 0;

  /**
   * `perAddressMax`: Limits.connectionsPerAddressMax. `retryAfterSeconds`: the wait the
   * refusal suggests (Limits.retryAfterSeconds): an idle connection of the same address may
   * have closed by then.
   */
  constructor(readonly perAddressMax: number, readonly retryAfterSeconds: number) {}

  /**
   * Counts `socket` against its address: true when it may be served; false when it was
   * refused (the refusal is written, the socket is closing, and nothing else may read it).
   * A socket whose address is unknown (already gone) counts under ''.
   */
  admit(socket: GatedSocket): boolean {
    const key = addressKey(socket.remoteAddress ?? '');
    const open = this.#open.get(key) ?? 0;
    if (open >= this.perAddressMax) {
      this.refused++;
      // What the peer sent is read and dropped: closing with unread bytes would reset the
      // connection, and the peer could lose the refusal before reading it.
      socket.resume();
      endWithRefusal(socket, 'too_many_connections', this.retryAfterSeconds);
      return false;
    }
    this.#open.set(key, open + 1);
    socket.once('close', () => {
      const left = this.#open.get(key)! - 1;
      if (left === 0) this.#open.delete(key);
      else this.#open.set(key, left);
    });
    return true;
  }

  /** Connections open from the address `address` counts under (tests, diagnostics). */
  openFrom(address: string): number {
    return this.#open.get(addressKey(address)) ?? 0;
  }
}
