// Several accept handles (accept-handles.ts) on a real listener: while the event loop is blocked
// connections queue in the kernel, and the first turn after accepts one per handle.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { addAcceptHandles } from './accept-handles.js';

/** Connections opened at once while the loop is blocked. */
const QUEUED = 16;

/** Open file descriptors of this process. */
function fds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** This process's child processes (Linux: the main thread's children). */
function children(): string {
  try {
    return readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** A GET with `Connection: close` on a new connection to `port`: the reply's first line. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { text += d; });
    socket.on('end', () => resolve(text.split('\r\n')[0]!));
    socket.on('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  });
}

/** Whether a new connection to `port` is refused (nothing listens there). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(false); });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/**
 * Listens with `handles` accept handles, opens QUEUED connections while the loop is blocked,
 * and returns the connections accepted in each turn that accepted any, every reply's status
 * line, and the handles that listened.
 */
async function storm(handles: number): Promise<{ turns: number[]; replies: string[];
  count: number; closed: boolean }> {
  const server: Server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 64 }, r));
  const { port } = server.address() as AddressInfo;
  const logs: string[] = [];
  const accept = await addAcceptHandles(server, handles, 64, (l) => logs.push(l));
  assert.deepEqual(logs, []);
  assert.equal(children(), '', 'the echo child has exited');
  let perTurn = 0;
  const turns: number[] = [];
  server.on('connection', () => { perTurn++; });
  let done = false;
  const tick = (): void => {
    if (perTurn > 0) turns.push(perTurn);
    perTurn = 0;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const pending = Array.from({ length: QUEUED }, () => get(port));
  // Queued after the connections' own connect() (node connects on the next tick): the loop is
  // held while the kernel completes every handshake and queues the connections.
  process.nextTick(() => {
    const until = Date.now() + 200;
    while (Date.now() < until) { /* the busy turn */ }
  });
  const replies = await Promise.all(pending);
  done = true;
  await new Promise<void>((r) => {
    server.close(() => r());
    accept.close();
  });
  return { turns, replies, count: accept.count, closed: await refused(port) };
}

describe('several accept handles', () => {
  it('one handle accepts one queued connection per turn; four accept four', async () => {
    const before = fds();
    const one = await storm(1);
    assert.equal(one.count, 1);
    assert.deepEqual(one.turns, one.turns.map(() => 1), `turns ${one.turns.join(',')}`);
    const four = await storm(4);
    assert.equal(four.count, 4);
    assert.ok(four.turns[0]! > 1, `turns ${four.turns.join(',')}`);
    assert.ok(four.turns.every((n) => n <= 4), `turns ${four.turns.join(',')}`);
    for (const r of [one, four]) {
      assert.deepEqual(r.replies, r.replies.map(() => 'HTTP/1.1 200 OK'), 'every one answered');
      assert.equal(r.replies.length, QUEUED);
      assert.equal(r.closed, true, 'after close nothing listens: every handle is closed');
    }
    assert.equal(fds(), before, 'no descriptor left open');
  });

  it('keeps the one handle, and says so, when the echo child cannot start', async () => {
    const server: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const logs: string[] = [];
    const accept = await addAcceptHandles(server, 8, 511, (l) => logs.push(l),
      '/nonexistent/node');
    assert.equal(accept.count, 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /one handle accepts/);
    assert.equal(await get((server.address() as AddressInfo).port), 'HTTP/1.1 200 OK');
    await new Promise<void>((r) => { server.close(() => r()); accept.close(); });
  });
});
