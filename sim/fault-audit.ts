// The store-wide checks after a night under faults, beyond what the auditor's model checks: the
// deposit ledger recounted from the orders the operator sees, queue places gap-free, and every
// refund settled.
import type { HttpClient } from './http-client.js';

/** How long refunds may take to settle after the night: notifications come 50 ms to 5 s late. */
const SETTLE_WAIT_MS = 20_000;
const PAGE = 1000;

export interface StoreAudit {
  /** One line per check, for the report. */
  readonly lines: string[];
  readonly violations: { kind: string; detail: string }[];
  readonly refunds: { readonly refunded: number; readonly settled: number;
    readonly verdict: 'settled' | 'unsettled' };
}

export async function auditStore(client: HttpClient, adminToken: string, launchId: string,
  refundedOrderIds: readonly string[]): Promise<StoreAudit> {
  const lines: string[] = [];
  const violations: { kind: string; detail: string }[] = [];
  const get = async (path: string): Promise<any> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const o = await client.request('GET', path, { token: adminToken, timeoutMs: 30_000 });
      if (o.kind === 'reply' && o.status === 200) return o.body;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`GET ${path} never answered 200`);
  };
  const orders: any[] = [];
  for (let after = ''; ;) {
    const page = await get(`/admin/launches/${launchId}/orders?after=${after}&limit=${PAGE}`);
    orders.push(...page.orders);
    if (!page.next_after) break;
    after = page.next_after;
  }
  const recount: Record<string, number> = { received: 0, held: 0, refunded: 0, forfeited: 0,
    applied: 0 };
  const queues = new Map<string, number[]>();
  for (const o of orders) {
    recount.received! += o.deposit.amount_fen;
    recount[o.deposit.state] = (recount[o.deposit.state] ?? 0) + o.deposit.amount_fen;
    if (o.queue_place !== null) {
      const key = `${o.trim}/${o.city}`;
      queues.set(key, [...(queues.get(key) ?? []), o.queue_place]);
    }
  }
  const d = (await get(`/launches/${launchId}/stats`)).deposits_fen;
  const ledgerOk = d.received === d.held + d.refunded + d.forfeited + d.applied &&
    Object.keys(recount).every((k) => d[k] === recount[k]);
  if (!ledgerOk) {
    violations.push({ kind: 'ledger', detail: `stats ${JSON.stringify(d)}, recount of ` +
      `${orders.length} orders ${JSON.stringify(recount)}` });
  }
  lines.push(`ledger of ${orders.length} orders ${ledgerOk ? 'balanced' : 'UNBALANCED'}`);
  let places = 0;
  for (const [key, list] of queues) {
    list.sort((a, b) => a - b);
    places += list.length;
    const wrong = list.findIndex((p, i) => p !== i + 1);
    if (wrong >= 0) {
      violations.push({ kind: 'queue_gap', detail: `${launchId}/${key}: place ${list[wrong]} ` +
        `where ${wrong + 1} was due (${list.length} places)` });
    }
  }
  lines.push(`${places} queue places in ${queues.size} queues unique and gap-free`);
  const refunds = await checkRefunds(get, refundedOrderIds, violations);
  lines.push(`refunds ${refunds.settled} of ${refunds.refunded} settled`);
  return { lines, violations, refunds };
}

async function checkRefunds(get: (path: string) => Promise<any>, ids: readonly string[],
  violations: { kind: string; detail: string }[]): Promise<StoreAudit['refunds']> {
  let unsettled = [...ids];
  const deadline = performance.now() + SETTLE_WAIT_MS;
  while (unsettled.length > 0) {
    const still: string[] = [];
    for (const id of unsettled) {
      const o = await get(`/orders/${id}`);
      if (!(o.history ?? []).some((e: any) => e.type === 'refund_settled')) still.push(id);
    }
    unsettled = still;
    if (unsettled.length === 0 || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const settled = ids.length - unsettled.length;
  if (unsettled.length === 0) return { refunded: ids.length, settled, verdict: 'settled' };
  for (const id of unsettled) {
    violations.push({ kind: 'refund_unsettled', detail: `${id}: refunded, never settled` });
  }
  return { refunded: ids.length, settled, verdict: 'unsettled' };
}
