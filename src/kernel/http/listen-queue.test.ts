import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { listenQueueReader, queueFromProcNetTcp } from './listen-queue.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt\n';
const line = (sl: number, local: string, st: string, queues: string): string =>
  `  ${sl}: ${local} 00000000:0000 ${st} ${queues} 00:00000000 00000000     0        0 1 1\n`;

describe('the accept queue from /proc/net/tcp', () => {
  it('is the rx_queue of the listener on the port, and stops at the first non-listener', () => {
    const text = HEAD + line(0, '00000000:07E8', '0A', '00000000:00000000')
      + line(1, '0100007F:7616', '0A', '00000000:0000010E')
      + line(2, '0100007F:7616', '06', '00000000:00000000');
    assert.deepEqual(queueFromProcNetTcp(text, 0x7616), { queue: 0x10e, complete: true });
    assert.deepEqual(queueFromProcNetTcp(text, 2024), { queue: 0, complete: true });
    assert.deepEqual(queueFromProcNetTcp(text, 9999), { queue: null, complete: true },
      'past the listeners: no need to read on');
    assert.deepEqual(queueFromProcNetTcp(HEAD + line(0, '00000000:07E8', '0A', '0:0')
      .slice(0, 20), 9999), { queue: null, complete: false }, 'a line cut short: read on');
  });

  it('reads a real listener\'s queue on Linux (0 while nothing waits)', async (t) => {
    if (process.platform !== 'linux') return t.skip('Linux only');
    const server = createServer();
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 64 }, r));
    try {
      const { port, family } = server.address() as { port: number; family: string };
      assert.equal(listenQueueReader(port, family)(), 0);
      assert.equal(listenQueueReader(port, family, '/proc/no-such-file')(), null);
    } finally {
      server.close();
    }
  });

  it('counts connections the kernel completed and the process has not accepted', async (t) => {
    if (process.platform !== 'linux') return t.skip('Linux only');
    // A listener whose event loop is busy: the connections wait in its queue.
    const child = spawn(process.execPath, ['-e', `const s = require('node:net').createServer();
      s.listen({ port: 0, host: '127.0.0.1', backlog: 64 }, () => {
        console.log(s.address().port);
        process.stdin.once('data', () => { const until = Date.now() + 2000;
          while (Date.now() < until); console.log('done'); process.exit(0); });
      });`], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = child.stdout!.setEncoding('utf8');
    const port = Number(await new Promise<string>((r) => lines.once('data', r)));
    child.stdin!.write('block\n');
    await new Promise((r) => setTimeout(r, 200));
    const sockets = Array.from({ length: 5 }, () => connect(port, '127.0.0.1').on('error', () => {}));
    try {
      await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r))));
      assert.equal(listenQueueReader(port, 'IPv4')(), 5);
    } finally {
      for (const s of sockets) s.destroy();
      child.kill();
    }
  });
});
