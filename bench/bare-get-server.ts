// The reference for the read benchmark: the least a node:http server can do for a GET, which is
// to answer bytes it already holds. The body is as long as the one launchday answers for the
// path measured (BARE_BODY_BYTES), so the ratio shows launchday's own work, not the payload's.
import http from 'node:http';

const bytes = Number(process.env.BARE_BODY_BYTES ?? 6908);
const body = Buffer.from(`{"pad":"${'x'.repeat(Math.max(0, bytes - 10))}"}`);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen({ port: Number(process.env.BARE_PORT ?? 0), host: '127.0.0.1',
  backlog: Number(process.env.BARE_BACKLOG ?? 511) },
  () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      console.log(`bare listening on http://127.0.0.1:${address.port}`);
    }
  });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
