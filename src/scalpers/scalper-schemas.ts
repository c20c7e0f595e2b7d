// The contract of scalpers' endpoints (scalper-routes.ts): the suspicious-pattern report of a
// launch or a drop, and the batch cancel of a cluster's flagged orders. Validated by
// kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  maybe, orNull, queryText, reason, text, textList, visibleText,
} from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const ID = '^[A-Za-z0-9_-]{1,64}$';

const ReasonView = Type.Object({
  code: Type.Union(['shared_device', 'shared_payment_source', 'shared_address', 'shared_network',
    'burst', 'bulk_registration'].map((c) => Type.Literal(c))),
  key: orNull(Str), count: Int, within_ms: orNull(Int),
});

const OrderView = Type.Object({
    order_id: Str, account_id: Str, at: Time, units: Int,
    status: orNull(Str), deposit_state: orNull(Str),
    deposit_fen: orNull(Type.Integer({ description: 'What a cancel refunds (fen): an order\'s '
      + 'deposit; a drop\'s hold\'s amount when it is paid and a cancel would refund it; else '
      + 'null' })),
    cancellable: Type.Boolean(),
    not_cancellable: orNull(Type.Object({ code: Str, message: Str }, { description: 'Why a '
      + 'cancel would leave it alone: the code and message it would answer (a car\'s deposit '
      + 'locked on payment: order_already_locked)' })),
  }, { description: 'An order of a launch, or a hold of a drop (its hold id); of a hold, '
    + 'deposit_state is what it paid: held once paid, refunded once cancelled, else null' });

const ClusterView = Type.Object({
  cluster_id: Str, score: Int, reasons: Type.Array(ReasonView),
  accounts: Type.Array(Type.Object({ account_id: Str, registered_at: Time }),
    { description: 'The flagged accounts: the score and reasons are theirs' }),
  orders: Type.Array(OrderView, { description: 'The flagged accounts\' orders: what a cancel '
    + 'of the cluster takes' }),
  linked_accounts: Type.Array(Type.Object({ account_id: Str, registered_at: Time,
    shares: Type.Array(Type.Object({ code: Str, key: Str })) }), { description: 'Accounts '
    + 'tied to the flagged ones by one weak key only (an address, a network): shown, never '
    + 'flagged, and not in the cluster\'s cancel' }),
  linked_orders: Type.Array(OrderView, { description: 'The linked accounts\' orders' }),
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
  summary: 'Cancel flagged firm orders of a launch, refunding each deposit, or flagged holds '
    + 'of a drop (unpaid ones released, paid merchandise within its cancel window refunded), '
    + 'with a reason; each one\'s outcome, locked ones refused and left alone',
  body: Type.Object({
    launch_id: maybe(text({ maxLength: 64, description: 'The launch; or drop_id' })),
    drop_id: maybe(text({ maxLength: 64, description: 'The drop; or launch_id' })),
    order_ids: textList({ maxItems: limits.flaggedCancelMax, maxLength: 64,
      description: 'The orders (of a launch) or hold ids (of a drop) to cancel: a cluster\'s, '
        + 'as the report lists them' }),
    reason: reason(limits.operatorReasonMax),
    cluster_id: maybe(visibleText({ maxLength: 64, description: 'Kept in the audit log' })),
  }),
  replies: { 200: Type.Object({
    cancelled: Int, refused: Int,
    refunded_fen: maybe(Type.Integer({ description: 'A drop\'s: the refunds queued, fen' })),
    results: Type.Array(Type.Object({ order_id: Str, outcome: Str,
      deposit_state: orNull(Str),
      refund_fen: maybe(Type.Integer({ description: 'A drop\'s hold: the refund queued' })),
      why: maybe(Type.String({ description: 'Why it was left alone (a drop\'s hold)' })),
    }, { description: 'outcome: cancelled; refunded (a drop\'s paid sale); or the code of '
      + 'why it was left alone (order_already_locked, order_cancelled, order_not_found, '
      + 'hold_closed, hold_not_found)' })),
  }) },
  errors: ['reason_required', 'launch_not_found', 'drop_not_found'] });
