// The length of a listening socket's accept queue, read from the kernel: /proc/net/tcp (or
// tcp6) gives each socket's `rx_queue`, which for a listener is the connections the kernel has
// completed and the process has not yet accepted (sk_ack_backlog). The file lists the listeners
// first, so a few hundred bytes read in 1 KB steps find ours; the read stops at the first line
// that is not a listener. About 50 us a read on this machine (open, read, close), so the storm
// guard reads it at most every Limits.stormProbeMs, and only while connections arrive.
import { closeSync, openSync, readSync } from 'node:fs';

/** TCP's LISTEN state in /proc/net/tcp's `st` column. */
const LISTEN = '0A';
/** Never read more than this of the file looking for the listener. */
const READ_MAX = 64 * 1024;
const STEP = 1024;

/**
 * The accept queue of the listener on `port` in /proc/net/tcp text `text` (its start, whole
 * lines or not): its rx_queue, or null when no listener on that port is in the text.
 * `complete`: whether the text has gone past the listeners (a line of another state), so that
 * reading further cannot find it.
 */
export function queueFromProcNetTcp(text: string, port: number):
  { queue: number | null; complete: boolean } {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let from = text.indexOf('\n') + 1;
  for (;;) {
    const end = text.indexOf('\n', from);
    if (end < 0) return { queue: null, complete: false };
    // "  sl  local_address rem_address   st tx_queue:rx_queue ..."
    const fields = text.slice(from, end).trim().split(/\s+/);
    from = end + 1;
    if (fields[3] !== LISTEN) return { queue: null, complete: true };
    if (fields[1]?.endsWith(portHex)) {
      const rx = fields[4]?.split(':')[1];
      const queue = rx === undefined ? NaN : parseInt(rx, 16);
      return { queue: Number.isFinite(queue) ? queue : null, complete: true };
    }
  }
}

/**
 * A reader of the accept queue of the listener on `port` (of `family`): each call reads the
 * kernel's table anew. Null from a call when it cannot tell (not Linux, no such listener).
 */
export function listenQueueReader(port: number, family: 'IPv4' | 'IPv6' | string,
  path = family === 'IPv6' ? '/proc/net/tcp6' : '/proc/net/tcp'): () => number | null {
  const buf = Buffer.allocUnsafe(STEP);
  return () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      let text = '';
      while (text.length < READ_MAX) {
        const n = readSync(fd, buf, 0, STEP, null);
        if (n === 0) return queueFromProcNetTcp(`${text}\n`, port).queue;
        text += buf.toString('latin1', 0, n);
        const found = queueFromProcNetTcp(text, port);
        if (found.complete) return found.queue;
      }
      return null;
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  };
}
