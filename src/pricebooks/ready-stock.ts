// Ready stock: built cars no order holds (production's pool: surplus configurations, cars of
// orders cancelled after build), listed with their configuration and the delivery centre's city,
// sold first paid, first served with immediate pick-up. A car moves
// available -> held (a buyer paying, until `untilMs`) -> sold, or -> reserved (a deposit paid,
// until the balance deadline) -> sold. A hold or reservation past its `untilMs` counts as
// available at once, without waiting for a sweep: the next buyer's conditional update takes it
// (`isFree`). The database refuses a second paid sale of one VIN (ready_sales_one_sold).

export type ReadyCarStatus = 'available' | 'held' | 'reserved' | 'sold';

export interface ReadyCar {
  readonly vin: string;
  readonly launchId: string;
  readonly trim: string;
  /** Sorted, defaults filled in. */
  readonly options: readonly string[];
  /** The delivery centre's city id where it waits for pick-up. */
  readonly city: string;
  readonly priceFen: number;
  /** What a buyer pays now to reserve it, the balance due within the deadline. */
  readonly depositFen: number;
  readonly status: ReadyCarStatus;
  /** The sale holding or reserving it. */
  readonly saleId: string | null;
  /** When a hold or a reservation ends, ms. */
  readonly untilMs: number | null;
  readonly listedAtMs: number;
  readonly listedBy: string;
}

export type SaleMode = 'full' | 'deposit';
export type SaleStatus = 'held' | 'paid' | 'deposit_paid' | 'expired' | 'failed' | 'lapsed';

export interface ReadySale {
  readonly saleId: string;
  readonly vin: string;
  readonly launchId: string;
  readonly accountId: string;
  readonly mode: SaleMode;
  readonly priceFen: number;
  readonly depositFen: number;
  readonly status: SaleStatus;
  /** The charge's reference: the deposit's or the whole price's; the balance adds `:balance`. */
  readonly paymentReference: string;
  readonly createdAtMs: number;
  /** The hold's end (unpaid). */
  readonly expiresAtMs: number;
  /** With a deposit paid: when the balance is due. */
  readonly balanceDueAtMs: number | null;
  readonly settledAtMs: number | null;
  readonly idempotencyKey: string;
}

/**
 * What a buyer knows a ready car by: its trim, its option ids and the city of the delivery
 * centre where it waits. Fixed at listing (nothing changes a listed car's configuration), so a
 * sale names its car by these for good, after the car has left the list (sold).
 */
export type ReadyCarLabel = Pick<ReadyCar, 'trim' | 'options' | 'city'>;

/** A sale with the label of the car it is for (null only for a car no longer on record). */
export interface ReadySaleOfCar {
  readonly sale: ReadySale;
  readonly car: ReadyCarLabel | null;
}

/** Whether a car may be taken by a new buyer at `nowMs`. */
export const isFree = (c: Pick<ReadyCar, 'status' | 'untilMs'>, nowMs: number): boolean =>
  c.status === 'available'
  || ((c.status === 'held' || c.status === 'reserved') && (c.untilMs ?? 0) <= nowMs);

/** What a buyer pays at the purchase: the whole price, or the deposit. */
export const chargeNowFen = (car: Pick<ReadyCar, 'priceFen' | 'depositFen'>, mode: SaleMode):
  number => (mode === 'full' ? car.priceFen : car.depositFen);

/** The balance's own payment reference (a second charge of the same sale). */
export const balanceReference = (sale: Pick<ReadySale, 'paymentReference'>): string =>
  `${sale.paymentReference}:balance`;

/** The car as shown to buyers: available counts expired holds (isFree). */
export function publicStatus(c: ReadyCar, nowMs: number): 'available' | 'held' | 'reserved'
  | 'sold' {
  return isFree(c, nowMs) ? 'available' : c.status;
}
