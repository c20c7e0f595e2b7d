// Reads what the delivery auditor needs straight from the store of a server the simulator
// started: the launch's orders, deliveries, balance parts, price versions and protections, the
// releases (audit log), the balance messages, slots and their capacities, ready stock and the
// built cars. The books come from the API (delivery-report.ts); this is the history they must
// equal.
import type { DeliveryData } from './delivery-auditor.js';
import { readStore } from './production-store-reader.js';

const list = (text: unknown): string[] => (text === '' || text == null ? []
  : String(text).split(','));
const num = (x: unknown): number => Number(x);
const numOrNull = (x: unknown): number | null => (x == null ? null : Number(x));

/** The launch's delivery history (`location`: as readStore takes it). */
export function readDeliveryStore(location: string, launchId: string): Promise<DeliveryData> {
  return readStore(location, async (q) => {
    const orders = await q('SELECT order_id, trim, options, status, price_fen, deposit_fen, '
      + 'deposit_state, created_at_ms, cancelled_at_ms FROM orders WHERE launch_id = $1',
    [launchId]);
    const deliveries = await q('SELECT * FROM deliveries WHERE launch_id = $1', [launchId]);
    const parts = await q('SELECT p.order_id, p.reference, p.status, p.amount_fen, '
      + 'p.refunded_fen FROM balance_parts p JOIN deliveries d ON d.order_id = p.order_id '
      + 'WHERE d.launch_id = $1', [launchId]);
    const versions = await q('SELECT * FROM price_versions WHERE launch_id = $1', [launchId]);
    const protections = await q('SELECT order_id, version, kind, amount_fen FROM '
      + 'price_protections WHERE launch_id = $1', [launchId]);
    const releases = await q("SELECT at_ms, detail FROM audit_log WHERE action = 'car_released' "
      + 'ORDER BY entry_id');
    const messages = await q("SELECT dedup_key, order_id, created_at_ms FROM notification_outbox "
      + "WHERE kind = 'balance_overdue'");
    const slots = await q('SELECT centre, slot_start_ms, booked FROM delivery_slots');
    const capacities = await q('SELECT centre, capacity FROM delivery_slot_capacity');
    const sales = await q('SELECT s.sale_id, s.vin, c.trim, s.price_fen, s.deposit_fen, '
      + 's.status, s.settled_at_ms FROM ready_sales s JOIN ready_cars c ON c.vin = s.vin '
      + 'WHERE s.launch_id = $1', [launchId]);
    const readyCars = await q('SELECT vin, status, sale_id FROM ready_cars WHERE launch_id = $1',
      [launchId]);
    const cars = await q('SELECT vin, order_id FROM built_cars WHERE launch_id = $1', [launchId]);
    const ids = new Set(deliveries.map((r) => r.order_id as string));
    return {
      orders: orders.map((r) => ({ orderId: r.order_id, trim: r.trim, options: list(r.options),
        status: r.status, priceFen: num(r.price_fen), depositFen: num(r.deposit_fen),
        depositState: r.deposit_state, createdAtMs: num(r.created_at_ms),
        cancelledAtMs: numOrNull(r.cancelled_at_ms) })),
      deliveries: deliveries.map((r) => ({ orderId: r.order_id, centre: r.centre, vin: r.vin,
        priceFen: num(r.price_fen), depositFen: num(r.deposit_fen), cycle: num(r.cycle),
        stage: r.stage, scheduledAtMs: num(r.scheduled_at_ms), receivedFen: num(r.received_fen),
        pendingFen: num(r.pending_fen), refundedFen: num(r.refunded_fen),
        deferredDays: num(r.deferred_days), slotStartMs: numOrNull(r.slot_start_ms),
        deliveredAtMs: numOrNull(r.delivered_at_ms), revenueFen: numOrNull(r.revenue_fen) })),
      parts: parts.map((r) => ({ orderId: r.order_id, reference: r.reference, status: r.status,
        amountFen: num(r.amount_fen), refundedFen: num(r.refunded_fen) })),
      versions: versions.map((r) => ({ version: num(r.version), itemKind: r.item_kind,
        itemId: r.item_id, priceFen: num(r.price_fen), previousFen: num(r.previous_fen),
        effectiveFromMs: num(r.effective_from_ms), appliedAtMs: numOrNull(r.applied_at_ms) })),
      protections: protections.map((r) => ({ orderId: r.order_id, version: num(r.version),
        kind: r.kind, amountFen: num(r.amount_fen) })),
      releases: releases.map((r) => ({ atMs: num(r.at_ms), ...JSON.parse(r.detail) }))
        .filter((r) => ids.has(r.order_id)).map((r) => ({ orderId: r.order_id, atMs: r.atMs,
          reason: r.reason, toOrderId: r.to_order_id ?? null, untilMs: r.until_ms ?? null })),
      messages: messages.map((r) => ({ key: r.dedup_key, orderId: r.order_id ?? null,
        atMs: num(r.created_at_ms) })),
      slots: slots.map((r) => ({ centre: r.centre, slotStartMs: num(r.slot_start_ms),
        booked: num(r.booked) })),
      capacities: new Map(capacities.map((r) => [r.centre as string, num(r.capacity)])),
      readySales: sales.map((r) => ({ saleId: r.sale_id, vin: r.vin, trim: r.trim,
        priceFen: num(r.price_fen), depositFen: num(r.deposit_fen), status: r.status,
        settledAtMs: numOrNull(r.settled_at_ms) })),
      readyCars: readyCars.map((r) => ({ vin: r.vin, status: r.status,
        saleId: r.sale_id ?? null })),
      cars: cars.map((r) => ({ vin: r.vin, orderId: r.order_id ?? null })),
    };
  });
}
