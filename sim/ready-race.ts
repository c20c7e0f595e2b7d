// How the deliveries simulator judges the buyers who tried to buy one ready-stock car at once.
// A buyer who loses a car to another is told so honestly in one of two ways, depending only on
// how far the winner had got when the loser's request was read: `409 ready_car_taken` while the
// winner is paying (or has reserved it with a deposit), `404 ready_car_not_found` once the
// winner has bought it outright (a sold car leaves ready stock: docs/api.md). On a loaded
// machine the loser's request can wait in the client's connection queue, or behind a 429 or
// 503's Retry-After, until the winner's purchase is complete, so both answers come up; counting
// only the first as a lost race made the second a flaky "delivery_refused".
import type { Reply } from './http-client.js';

/** What one buyer's purchase came to, as the simulator counts it. */
export type ReadyPurchaseVerdict =
  /** 201, or 200: the same key's earlier purchase, answered again after a retry. */
  | 'bought'
  /** Another buyer of the same car bought it (or may have: its answer is unknown). */
  | 'race_lost'
  /** Any other answer, or a lost-race answer with no other buyer to have won: a violation. */
  | 'refused'
  /** No definite answer (the caller counted that already). */
  | 'unresolved';

/** The answers the server gives a buyer whose car another buyer took first. */
export const READY_RACE_LOST_CODES: readonly string[] = ['ready_car_taken',
  'ready_car_not_found'];

/**
 * Judges the replies of the buyers who tried to buy one car at once (`null`: no definite
 * answer), one verdict per reply in the same order. A lost-race answer is expected only when
 * another of these buyers bought the car or may have (its reply is unknown): nobody else buys
 * the simulator's cars, so a lone buyer of a listed car told it is taken or gone is refused.
 */
export function judgeReadyRace(replies: ReadonlyArray<Pick<Reply, 'status' | 'code'> | null>):
  ReadyPurchaseVerdict[] {
  const bought = (r: Pick<Reply, 'status'> | null): boolean =>
    r !== null && (r.status === 201 || r.status === 200);
  return replies.map((r, i) => {
    if (r === null) return 'unresolved';
    if (bought(r)) return 'bought';
    const someoneElse = replies.some((o, j) => j !== i && (o === null || bought(o)));
    return someoneElse && r.code !== null && READY_RACE_LOST_CODES.includes(r.code)
      ? 'race_lost' : 'refused';
  });
}
