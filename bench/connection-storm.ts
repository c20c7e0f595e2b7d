// The opening second's connection storm: `count` new connections opened evenly within
// `overMs`, each sending one GET and closing after the first byte of its reply. Measured per
// connection: the time from asking to connect to that first byte, uncorrected; a connection that
// fails or gets no reply within `timeoutMs` counts as not answered.
//
// Where the time goes is printed beside it, so that the figure says whether it measured the
// server or this client: how late the client itself opened its connections (its own event loop,
// sharing the cores), the time to the TCP handshake (a SYN the kernel dropped because the accept
// queue was full is retried after 1 s, then 3 s), and the kernel's own count of those drops.
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The machine's monotonic clock in ms (CLOCK_MONOTONIC: the same in every process). */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface StormResult {
  /** When the first connection was asked for and the last one ended, on monotonicMs. */
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly answered: number;
  readonly failed: number;
  readonly ttfbMsP50: number;
  readonly ttfbMsP99: number;
  readonly ttfbMsMax: number;
  /** Answered only after a second or more: a dropped SYN retried by the kernel, typically. */
  readonly overOneSecond: number;
  /** From asking to connect to the handshake done (the client's 'connect'), p99. */
  readonly connectMsP99: number;
  /** How late the client opened its last connection against the even schedule (its own lag). */
  readonly openLateMsMax: number;
  /** This process's CPU over the storm, in ms: what the client took from the shared cores. */
  readonly clientCpuMs: number;
  /**
   * The kernel's counts over the storm (/proc/net/netstat, the whole machine): connections
   * dropped because a listen queue was full (ListenDrops), and SYNs sent again (TCPSynRetrans).
   * Null when /proc does not tell.
   */
  readonly kernel: { readonly listenDrops: number; readonly synRetrans: number } | null;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  (sorted.length === 0 ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/** TcpExt's counters from /proc/net/netstat, or null off Linux. */
function tcpExt(): Map<string, number> | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n')
      .filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(' ');
    const values = lines[1]!.split(' ');
    return new Map(names.map((n, i) => [n, Number(values[i])]));
  } catch {
    return null;
  }
}

export async function connectionStorm(url: string, path: string, count: number, overMs: number,
  timeoutMs = 15_000): Promise<StormResult> {
  const { hostname, port } = new URL(url);
  const request = Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
  const times: number[] = [];
  const connects: number[] = [];
  let failed = 0;
  let openLateMs = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(Number(port), hostname);
    const timer = setTimeout(() => { failed++; socket.destroy(); resolve(); }, timeoutMs);
    socket.once('connect', () => {
      connects.push(performance.now() - started);
      socket.write(request);
    });
    socket.once('data', () => {
      clearTimeout(timer);
      times.push(performance.now() - started);
      socket.destroy();
      resolve();
    });
    socket.once('error', () => { clearTimeout(timer); failed++; resolve(); });
  });
  const all: Promise<void>[] = [];
  const kernelBefore = tcpExt();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const startMs = monotonicMs();
  await new Promise<void>((done) => {
    let opened = 0;
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(count, Math.ceil(((now - t0) / overMs) * count));
      if (due > opened) openLateMs = Math.max(0, now - t0 - (opened * overMs) / count);
      while (opened < due) { all.push(one()); opened++; }
      if (opened < count) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(all);
  const endMs = monotonicMs();
  const cpu = process.cpuUsage(cpuBefore);
  const kernelAfter = tcpExt();
  const delta = (name: string): number => (kernelAfter!.get(name) ?? 0)
    - (kernelBefore!.get(name) ?? 0);
  const sorted = times.sort((a, b) => a - b);
  return { startMs, endMs, count, answered: sorted.length, failed, ttfbMsP50: percentile(sorted, 50),
    ttfbMsP99: percentile(sorted, 99), ttfbMsMax: sorted.at(-1) ?? NaN,
    overOneSecond: sorted.filter((t) => t >= 1000).length,
    connectMsP99: percentile(connects.sort((a, b) => a - b), 99), openLateMsMax: openLateMs,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    kernel: kernelBefore === null || kernelAfter === null ? null
      : { listenDrops: delta('ListenDrops'), synRetrans: delta('TCPSynRetrans') } };
}
