// Several accept handles on one listening socket: more than one new connection per event-loop
// turn.
//
// node 20 (libuv 1.46) accepts one connection per readiness event of a listening handle, and a
// handle gets one readiness event per event-loop turn (strace: accept4 and epoll_pwait
// alternate, never EAGAIN). In the opening second, when each turn also reads hundreds of
// kept-alive order connections, the turns are long, fewer connections are accepted than
// arrive, the kernel's accept queue (Limits.listenBacklog) fills, and the SYNs past it are
// dropped and sent again by the phone only after 1 s (docs/benchmarks.md, "The storm while
// orders flow"). With `count` file descriptors for the same listening socket, each in the
// event loop's epoll set, every turn that finds connections waiting wakes each of them and
// accepts up to `count`; a handle that finds the queue already empty gets EAGAIN (one cheap
// syscall).
//
// node has no dup() from JavaScript, but a handle sent over an IPC channel arrives as a new file
// descriptor for the same socket: a tiny child process (node -e, no module loaded) echoes the
// server's handle back `count - 1` times and exits. Each handle that comes back is given the
// server's own connection callback and the server as its owner, so a connection it accepts is
// the server's exactly as one the server accepted itself: `maxConnections` counts it, the
// 'connection' listeners (the per-address gate, the lane: server.ts takeConnections) see it,
// and server.close() waits for it. Those two properties are node's internals (lib/net.js
// setupListenHandle); when they are not there, or the child cannot be started, the server keeps
// its one handle and the log says so.
import { spawn } from 'node:child_process';
import type { Server } from 'node:net';

/** The echo child's whole program: each handle it is sent goes back where it came from. */
const ECHO_PROGRAM = "process.on('message', (m, h) => process.send(m, h));";

/** How long the echo child may take to start and send the handles back, ms. */
const ECHO_TIMEOUT_MS = 5_000;

/** libuv's TCP handle, as node's net.Server holds it in `_handle` (not a public type). */
interface ListenHandle {
  onconnection?: unknown;
  listen(backlog: number): number;
  close(): void;
}

/** The extra handles listening beside the server's own. */
export interface AcceptHandles {
  /** Handles accepting on the socket, the server's own included (1: only the server's). */
  readonly count: number;
  /** Closes the extra handles (the server's own is server.close()'s); idempotent. */
  close(): void;
}

const ONE: AcceptHandles = { count: 1, close() {} };

/**
 * Gives `server`, listening, `count - 1` more handles on its socket, each listening with
 * `backlog` (a listen() on the socket sets the kernel's queue anew: it must stay
 * Limits.listenBacklog). Resolves once the handles listen and the echo child has exited.
 * `count` 1 or less: nothing is done. When it cannot (no child, node's internals not as
 * expected, an error from the kernel) it resolves with the handles it has (often the one) and
 * `log` says why; it never rejects. `execPath`: the program the echo child runs (node; a test
 * gives one that cannot start).
 */
export async function addAcceptHandles(server: Server, count: number, backlog: number,
  log: (line: string) => void, execPath = process.execPath): Promise<AcceptHandles> {
  if (count <= 1) return ONE;
  const main = (server as unknown as { _handle?: ListenHandle | null })._handle;
  const owner = main ? Object.getOwnPropertySymbols(main)
    .find((s) => s.description === 'owner_symbol') : undefined;
  if (!main || typeof main.onconnection !== 'function' || owner === undefined) {
    log('accept handles: node\'s listening handle is not as expected; one handle accepts');
    return ONE;
  }
  let received: ListenHandle[];
  try {
    received = await echoHandles(main, count - 1, execPath);
  } catch (err) {
    log(`accept handles: ${(err as Error).message}; one handle accepts`);
    return ONE;
  }
  const extra: ListenHandle[] = [];
  for (const h of received) {
    const rec = h as ListenHandle & Record<symbol, unknown>;
    rec.onconnection = main.onconnection;
    rec[owner] = server;
    const err = h.listen(backlog);
    if (err !== 0) {
      h.close();
      log(`accept handles: listen failed (${err}); ${extra.length + 1} handles accept`);
    } else {
      extra.push(h);
    }
  }
  let open = true;
  return {
    count: extra.length + 1,
    close() {
      if (!open) return;
      open = false;
      for (const h of extra) h.close();
    },
  };
}

/** `n` new handles for `handle`'s socket, through an echo child that has exited since. */
async function echoHandles(handle: ListenHandle, n: number, execPath: string):
  Promise<ListenHandle[]> {
  const child = spawn(execPath, ['-e', ECHO_PROGRAM],
    { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const got: ListenHandle[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the echo child did not answer')),
        ECHO_TIMEOUT_MS);
      // Every error of the child's (not starting, its channel closing twice) ends the wait; the
      // first is the reason given.
      child.on('error', (err) => { clearTimeout(timer); reject(err); });
      child.once('exit', () => { clearTimeout(timer); reject(new Error('the echo child exited')); });
      child.on('message', (_m, h) => {
        if (h === undefined) return;
        got.push(h as unknown as ListenHandle);
        if (got.length === n) { clearTimeout(timer); resolve(); }
      });
      for (let i = 0; i < n; i++) child.send('handle', handle as never);
    });
  } catch (err) {
    for (const h of got) h.close();
    throw err;
  } finally {
    // Without its channel the child has nothing left to do and exits; a child that does not
    // within the timeout (it always has so far) is killed.
    if (child.connected) child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), ECHO_TIMEOUT_MS);
    // A child that never started (spawn's 'error') has no exit to wait for.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      await exited;
    }
    clearTimeout(kill);
  }
  return got;
}
