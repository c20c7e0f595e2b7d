// The simulator's HTTP client: keep-alive connections (at most `connectionsMax` in all, shared
// among the API processes), a timeout on every request, and replies parsed once. Transport
// failures are returned as values, because for a launch-night client they are normal events.
import http from 'node:http';
export class HttpClient {
    targets;
    nextTarget = 0;
    constructor(baseUrls, connectionsMax) {
        if (baseUrls.length === 0)
            throw new Error('at least one server URL');
        const perTarget = Math.max(1, Math.floor(connectionsMax / baseUrls.length));
        this.targets = baseUrls.map((u) => ({
            url: new URL(u),
            agent: new http.Agent({ keepAlive: true, maxSockets: perTarget, maxFreeSockets: perTarget }),
        }));
    }
    get targetCount() {
        return this.targets.length;
    }
    request(method, path, options) {
        const index = options.target ?? this.nextTarget++ % this.targets.length;
        const target = this.targets[index % this.targets.length];
        const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
        const headers = { accept: 'application/json', ...options.headers };
        if (payload !== undefined) {
            headers['content-type'] = 'application/json';
            headers['content-length'] = String(Buffer.byteLength(payload));
        }
        if (options.token !== undefined)
            headers.authorization = `Bearer ${options.token}`;
        const sentAtMs = performance.now();
        return new Promise((resolve) => {
            let settled = false;
            const finish = (o) => {
                if (!settled) {
                    settled = true;
                    resolve(o);
                }
            };
            const req = http.request({
                host: target.url.hostname, port: target.url.port, method, path: `/api/v1${path}`,
                headers, agent: target.agent,
            }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('error', (e) => finish(noReply('network', e.message, sentAtMs)));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    let body = null;
                    try {
                        body = text.length > 0 ? JSON.parse(text) : null;
                    }
                    catch {
                        body = { unparsed: text.slice(0, 200) };
                    }
                    const code = typeof body?.error?.code === 'string' ? body.error.code : null;
                    finish({ kind: 'reply', status: res.statusCode ?? 0, body, code, headers: res.headers,
                        sentAtMs, repliedAtMs: performance.now() });
                });
            });
            // The timeout covers the whole exchange, as an impatient app's would.
            const timer = setTimeout(() => {
                finish(noReply('timeout', `no reply in ${options.timeoutMs} ms`, sentAtMs));
                req.destroy();
            }, options.timeoutMs);
            req.on('close', () => clearTimeout(timer));
            req.on('error', (e) => finish(noReply('network', e.code ?? e.message, sentAtMs)));
            req.end(payload);
        });
    }
    close() {
        for (const t of this.targets)
            t.agent.destroy();
    }
}
function noReply(kind, message, sentAtMs) {
    return { kind, message, sentAtMs, repliedAtMs: performance.now() };
}
//# sourceMappingURL=http-client.js.map