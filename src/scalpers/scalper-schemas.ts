// The contract of scalpers' endpoints (scalper-routes.ts): the suspicious-pattern report of a
// launch or a drop, and the batch cancel of a cluster's flagged orders. Validated by
// kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import { maybe, orNull, queryText, reason, text, textList } from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const ID = '^[A-Za-z0-9_-]{1,64}$';

const ReasonView = Type.Object({
  code: Type.Union(['shared_device', 'shared_payment_source', 'shared_address', 'shared_network',
    'burst', 'bulk_registration'].map((c) => Type.Literal(c))),
  key: orNull(Str), count: Int, within_ms: orNull(Int),
});

const ClusterView = Type.Object({
  cluster_id: Str, score: Int, reasons: Type.Array(ReasonView),
  accounts: Type.Array(Type.Object({ account_id: Str, registered_at: Time })),
  orders: Type.Array(Type.Object({
    order_id: Str, account_id: Str, at: Time, units: Int,
    status: orNull(Str), deposit_state: orNull(Str),
    deposit_fen: orNull(Type.Integer({ description: 'An order\'s deposit (fen); null for a '
      + 'drop\'s hold' })),
    cancellable: Type.Boolean(),
  }, { description: 'An order of a launch, or a hold of a drop (its hold id)' })),
}, { 'x-component': 'SuspiciousCluster' });

export const report: RouteContract = () => ({
  summary: 'The suspicious-pattern report of a launch or a drop: clusters of accounts sharing '
    + 'a device, payment source, address or network; bursts; bulk registrations',
  query: Type.Object({
    launch_id: queryText({ pattern: ID, patternMessage: '"launch_id" is not an id.' }),
    drop_id: queryText({ pattern: ID, patternMessage: '"drop_id" is not an id.' }),
  }),
  replies: { 200: Type.Object({
    scope: Type.Object({ kind: Type.Union([Type.Literal('launch'), Type.Literal('drop')]),
      id: Str }),
    opens_at: Time, as_of: Time, signals: Int, truncated: Type.Boolean(),
    clusters: Type.Array(ClusterView),
  }) },
  errors: ['launch_not_found', 'drop_not_found'] });

export const cancelFlagged: RouteContract = (limits) => ({
  summary: 'Cancel flagged firm orders of a launch, refunding each deposit (with a reason); '
    + 'each order\'s outcome, locked ones refused and left alone',
  body: Type.Object({
    launch_id: text({ maxLength: 64 }),
    order_ids: textList({ maxItems: limits.flaggedCancelMax, maxLength: 64,
      description: 'The orders to cancel (a cluster\'s, as the report lists them)' }),
    reason: reason(limits.operatorReasonMax),
    cluster_id: maybe(text({ maxLength: 64, description: 'Kept in the audit log' })),
  }),
  replies: { 200: Type.Object({
    cancelled: Int, refused: Int,
    results: Type.Array(Type.Object({ order_id: Str, outcome: Str,
      deposit_state: orNull(Str) })),
  }) },
  errors: ['reason_required', 'launch_not_found'] });
