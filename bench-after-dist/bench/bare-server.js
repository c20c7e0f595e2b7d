// The reference for the intake benchmark: the least a node:http server can do for an order
// request (read the body, parse it, answer a small JSON), so the ratio to it shows what launchday's
// own work costs on this machine and runtime. Run as its own process, like the real server.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        let status = 201;
        let body;
        try {
            const order = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            body = JSON.stringify({ order_id: `ord_${randomUUID()}`, launch_id: order.launch_id,
                trim: order.trim, status: 'firm' });
        }
        catch {
            status = 400;
            body = '{"error":{"code":"invalid_json"}}';
        }
        res.writeHead(status, { 'content-type': 'application/json',
            'content-length': Buffer.byteLength(body) });
        res.end(body);
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
        console.log(`bare listening on http://127.0.0.1:${address.port}`);
    }
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
//# sourceMappingURL=bare-server.js.map