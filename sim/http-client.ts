// The simulator's HTTP client: keep-alive connections (at most `connectionsMax` in all, shared
// among the API processes), a timeout on every request, and replies parsed once. Transport
// failures are returned as values, because for a launch-night client they are normal events.
import http from 'node:http';

export interface Reply {
  readonly kind: 'reply';
  readonly status: number;
  readonly body: any;
  /** Refusal code from `{"error": {"code"}}`, or null. */
  readonly code: string | null;
  readonly headers: http.IncomingHttpHeaders;
  readonly sentAtMs: number;
  readonly repliedAtMs: number;
}

export interface NoReply {
  readonly kind: 'timeout' | 'network';
  readonly message: string;
  readonly sentAtMs: number;
  readonly repliedAtMs: number;
}

export type Outcome = Reply | NoReply;

/**
 * Sends with `send` and, while the answer is `503` (overloaded), waits its `Retry-After` (1 s
 * when absent) and sends again, at most `retriesMax` times, as the pages do: the same request,
 * so the same idempotency key (and for an order the same pass, which a refusal for load leaves
 * unspent). Returns the last outcome.
 */
export async function whileOverloaded(send: () => Promise<Outcome>, retriesMax = 10):
  Promise<Outcome> {
  let o = await send();
  for (let a = 0; a < retriesMax && o.kind === 'reply' && o.status === 503; a++) {
    const seconds = Number(o.headers['retry-after'] ?? 1);
    await new Promise((r) => setTimeout(r, 1000 * (Number.isFinite(seconds) ? seconds : 1)));
    o = await send();
  }
  return o;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Pin the request to one API process (by index); otherwise round-robin. */
  readonly target?: number;
}

export class HttpClient {
  private readonly targets: { url: URL; agent: http.Agent }[];
  private nextTarget = 0;

  constructor(baseUrls: readonly string[], connectionsMax: number) {
    if (baseUrls.length === 0) throw new Error('at least one server URL');
    const perTarget = Math.max(1, Math.floor(connectionsMax / baseUrls.length));
    this.targets = baseUrls.map((u) => ({
      url: new URL(u),
      agent: new http.Agent({ keepAlive: true, maxSockets: perTarget, maxFreeSockets: perTarget }),
    }));
  }

  get targetCount(): number {
    return this.targets.length;
  }

  request(method: string, path: string, options: RequestOptions): Promise<Outcome> {
    const index = options.target ?? this.nextTarget++ % this.targets.length;
    const target = this.targets[index % this.targets.length]!;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const sentAtMs = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (o: Outcome): void => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const req = http.request({
        host: target.url.hostname, port: target.url.port, method, path: `/api/v1${path}`,
        headers, agent: target.agent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => finish(noReply('network', e.message, sentAtMs)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = null;
          try {
            body = text.length > 0 ? JSON.parse(text) : null;
          } catch {
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
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish(noReply('network', e.code ?? e.message, sentAtMs)));
      req.end(payload);
    });
  }

  close(): void {
    for (const t of this.targets) t.agent.destroy();
  }
}

function noReply(kind: 'timeout' | 'network', message: string, sentAtMs: number): NoReply {
  return { kind, message, sentAtMs, repliedAtMs: performance.now() };
}
