// The closed catalogue of expected outcomes. Codes are never renamed or reused; a test keeps
// docs/errors.md in step with this list. `transient` says whether retrying the same request later
// can succeed without the caller changing anything.

export interface OutcomeSpec {
  readonly status: number;
  readonly transient: boolean;
  readonly message: string;
  /**
   * Sent with Retry-After although neither 429 nor 503 (which always are): a conflict that
   * ends by itself within seconds.
   */
  readonly retryAfter?: true;
}

/** Whether a refusal with this code carries Retry-After (429, 503, or said by the code). */
export const carriesRetryAfter = (code: OutcomeCode): boolean => {
  const spec: OutcomeSpec = outcomes[code];
  return spec.status === 503 || spec.status === 429 || spec.retryAfter === true;
};

export const outcomes = {
  invalid_json: { status: 400, transient: false,
    message: 'The request body is not valid JSON. Send a JSON object.' },
  body_too_large: { status: 413, transient: false,
    message: 'The request body is too large. Send a smaller body.' },
  unsupported_media_type: { status: 415, transient: false,
    message: 'Send the body as application/json.' },
  invalid_request: { status: 422, transient: false,
    message: 'A field is missing, has the wrong type or range, or is not a field of this request; '
      + 'the message names it.' },
  route_not_found: { status: 404, transient: false,
    message: 'There is no such endpoint, or its path does not decode (a bad %-escape, an '
      + 'escaped slash or control character). See docs/api.md for the list.' },
  method_not_allowed: { status: 405, transient: false,
    message: 'This endpoint does not take that method.' },
  unauthorized: { status: 401, transient: false,
    message: 'Sign in first: send Authorization: Bearer <token>.' },
  admin_only: { status: 403, transient: false,
    message: 'Only an operator may do this.' },
  invalid_phone: { status: 422, transient: false,
    message: 'The phone must be a mainland mobile number: 11 digits starting with 13-19.' },
  invalid_name: { status: 422, transient: false,
    message: 'The name must be 1 to 64 characters, without control or invisible characters.' },
  invalid_id_number: { status: 422, transient: false,
    message: 'The identity number must be 18 characters: region, birth date, sequence, check.' },
  id_number_check_mismatch: { status: 422, transient: false,
    message: 'The last character of the identity number does not match the others; check it.' },
  phone_taken: { status: 409, transient: false,
    message: 'This phone number is already registered; sign in instead.' },
  id_number_taken: { status: 409, transient: false,
    message: 'This identity number is already registered to another account.' },
  code_invalid: { status: 401, transient: false,
    message: 'The code is wrong or has expired; ask for a new one.' },
  too_many_attempts: { status: 429, transient: true,
    message: 'Too many wrong codes for this phone; a new code does not reset them. Wait the '
      + 'seconds in Retry-After.' },
  account_not_found: { status: 404, transient: false,
    message: 'No account has this phone number; register first.' },
  session_not_found: { status: 404, transient: false,
    message: 'There is no such session among yours that is still signed in.' },
  operator_exists: { status: 409, transient: false,
    message: 'An operator of this name exists already; pick another name or rotate its token.' },
  operator_not_found: { status: 404, transient: false,
    message: 'There is no operator of this name.' },
  reason_required: { status: 422, transient: false,
    message: 'An operator must give a reason ("reason": 1-500 characters) for this action.' },
  launch_not_found: { status: 404, transient: false,
    message: 'There is no such launch.' },
  sales_not_open: { status: 409, transient: true,
    message: 'Sales for this launch have not opened yet; wait for the countdown.' },
  unknown_trim: { status: 422, transient: false,
    message: 'This launch has no such trim; pick one from the launch.' },
  unknown_option: { status: 422, transient: false,
    message: 'This launch has no such option; pick options from the launch.' },
  option_conflict: { status: 422, transient: false,
    message: 'Pick exactly one colour and one set of wheels.' },
  unknown_city: { status: 422, transient: false,
    message: 'This launch does not deliver to that city; pick one from the launch.' },
  per_account_limit_reached: { status: 409, transient: false,
    message: 'You already hold as many orders as this launch allows per person.' },
  idempotency_key_missing: { status: 400, transient: false,
    message: 'Send an Idempotency-Key header (1-64 letters, digits, - or _).' },
  idempotency_key_reused: { status: 409, transient: false,
    message: 'This Idempotency-Key was already used for a request with a different body; use a '
      + 'new key.' },
  payment_declined: { status: 402, transient: false,
    message: 'The payment was declined; nothing was charged. Try another method.' },
  order_not_found: { status: 404, transient: false,
    message: 'There is no such order among yours.' },
  lock_needs_confirmation: { status: 409, transient: false,
    message: 'Locking is final: confirm with {"confirm": true}.' },
  order_already_locked: { status: 409, transient: false,
    message: 'This order is already locked.' },
  order_cancelled: { status: 409, transient: false,
    message: 'This order is cancelled; nothing more can be done with it.' },
  forfeit_not_accepted: { status: 409, transient: false,
    message: 'The order is locked: cancelling forfeits the deposit. '
      + 'Send {"accept_forfeit": true}.' },
  order_not_firm: { status: 409, transient: false,
    message: 'Only a firm order (not yet locked) can be refunded.' },
  nothing_to_change: { status: 422, transient: false,
    message: 'Name at least one of trim, options, city or launch_id to change.' },
  change_window_closed: { status: 409, transient: false,
    message: 'The order is locked and no change window is open for it.' },
  change_not_allowed: { status: 409, transient: false,
    message: 'The open change window does not allow this change.' },
  change_window_not_found: { status: 404, transient: false,
    message: 'There is no such change window.' },
  invalid_change_window: { status: 422, transient: false,
    message: 'The change window needs a from launch, an opening before its closing, and allows.' },
  clock_not_simulated: { status: 409, transient: false,
    message: 'The clock can only be moved when launchday runs with the simulated clock.' },
  signature_invalid: { status: 401, transient: false,
    message: 'The notification is not signed with the shared payment secret, or is too old.' },
  overloaded: { status: 503, transient: true,
    message: 'We are holding your place: too many requests right now. Retry after the pause.' },
  live_viewers_full: { status: 503, transient: true,
    message: 'Too many viewers are watching the live stream: read the snapshot instead '
      + '(GET /api/v1/launches/{launch_id}/live.json, the same figures, one second fresh).' },
  commit_unknown: { status: 503, transient: true,
    message: 'Our order database went away while your change was being saved: it may or may not '
      + 'have been made. Read it back before you try again; an order retried with the same '
      + 'Idempotency-Key is never placed twice.' },
  store_unavailable: { status: 503, transient: true,
    message: 'Our order database cannot be reached for a moment; your request was not completed. '
      + 'Retry after the pause: the same Idempotency-Key never orders twice.' },
  // Not "nothing was changed": a write that failed half-way may have changed something. A
  // read's 500 says so in its own message (http-app.ts).
  internal_error: { status: 500, transient: true,
    message: 'Something went wrong on our side. Retry shortly; check first what a change did.' },
  malformed_request: { status: 400, transient: false,
    message: 'The request is not well-formed HTTP/1.1 (request line, headers or length).' },
  request_timeout: { status: 408, transient: true,
    message: 'The request did not arrive whole in time; send it again.' },
  headers_too_large: { status: 431, transient: false,
    message: 'The request head (request line and headers) is too large; send fewer headers.' },
  transfer_coding_unsupported: { status: 501, transient: false,
    message: 'The body is sent in a transfer coding this server does not decode (gzip, deflate, '
      + '...): send it with Content-Length, or with Transfer-Encoding: chunked alone.' },
  content_encoding_unsupported: { status: 415, transient: false,
    message: 'The body is sent with a Content-Encoding (compressed), which this server does not '
      + 'decode: send it uncompressed, without Content-Encoding.' },
  rate_limited: { status: 429, transient: true,
    message: 'Too many requests from this phone, account or network; wait the seconds in '
      + 'Retry-After, then try again.' },
  too_many_connections: { status: 429, transient: true,
    message: 'Too many connections are open from your network at once; this one was closed. '
      + 'Close some, or wait the seconds in Retry-After, then try again.' },
  plan_not_found: { status: 404, transient: false,
    message: 'This launch and trim have no production plan yet.' },
  centre_not_found: { status: 404, transient: false,
    message: 'This city has no delivery centre on record.' },
  delivery_city_not_found: { status: 404, transient: false,
    message: 'No launch delivers to this city, so it has no delivery slots or cars to mark '
      + 'ready; check its name.' },
  invalid_vin: { status: 422, transient: false,
    message: 'A VIN must be 17 characters A-Z and 0-9 without I, O and Q, with the check '
      + 'character (ISO 3779) ninth.' },
  vin_conflict: { status: 409, transient: false,
    message: 'This VIN was recorded before with another configuration; check the car.' },
  notification_not_found: { status: 404, transient: false,
    message: 'There is no such message in the notification outbox.' },
  drop_not_found: { status: 404, transient: false,
    message: 'There is no such drop.' },
  drop_not_open: { status: 409, transient: true,
    message: 'This drop has not opened yet; wait for the countdown.' },
  // One code for three cases (a purchase while units are held, a purchase or waitlist join once
  // a size is sold for good, a waiting room whose drop is): this text holds for each, and each
  // refusal's own message says which case it is.
  drop_sold_out: { status: 409, transient: false,
    message: 'Sold out: fewer units are on sale than asked for. Units still held for payment '
      + 'may come back, and the waitlist offers them in turn; once every unit is sold for good, '
      + 'none can come back and there is no waitlist.' },
  drop_limit_reached: { status: 409, transient: false,
    message: 'You already hold or bought as many units of this drop as it allows per person.' },
  unknown_variant: { status: 422, transient: false,
    message: 'This drop has no such variant (size); pick one from the drop.' },
  invalid_drop: { status: 422, transient: false,
    message: 'The drop is not valid; the message names the rule.' },
  drop_already_open: { status: 409, transient: false,
    message: 'This drop has opened or has holds: its definition can no longer change.' },
  hold_not_found: { status: 404, transient: false,
    message: 'There is no such hold among yours in this drop.' },
  hold_expired: { status: 409, transient: false,
    message: 'Your hold ended before its payment completed; nothing was charged and its units '
      + 'went back on sale.' },
  hold_closed: { status: 409, transient: false,
    message: 'This hold is no longer waiting for payment: it was paid, declined or cancelled.' },
  waitlist_not_needed: { status: 409, transient: false,
    message: 'Units of this size are on sale now: buy instead of joining the waitlist.' },
  waitlist_full: { status: 409, transient: false,
    message: 'The waitlist of this drop is full.' },
  delivery_not_started: { status: 409, transient: true,
    message: 'No car is allocated to this order yet: the balance, the appointment and the '
      + 'handover open once it is scheduled.' },
  delivery_not_ready: { status: 409, transient: true,
    message: 'The car is not ready at the delivery centre yet: appointments open once it is.' },
  balance_outstanding: { status: 409, transient: true,
    message: 'The balance is not received in full yet: pay what is left, or wait for the '
      + 'parts under way to be confirmed.' },
  balance_covered: { status: 409, transient: false,
    message: 'Nothing more is due: the balance is paid, or covered by parts under way.' },
  balance_part_invalid: { status: 422, transient: false,
    message: 'The part must be a whole number of fen, at least the smallest part allowed and '
      + 'at most what is still due.' },
  balance_parts_limit: { status: 409, transient: false,
    message: 'This order\'s balance has as many parts as allowed: pay all that is left in one '
      + 'part.' },
  deferral_not_allowed: { status: 409, transient: false,
    message: 'Only an order with a car allocated and not yet handed over can be deferred.' },
  deferral_too_long: { status: 422, transient: false,
    message: 'The deferral is longer than the days of deferral this order has left.' },
  slot_invalid: { status: 422, transient: false,
    message: 'That is not an appointment slot: pick one from the list of slots offered.' },
  slot_full: { status: 409, transient: false,
    message: 'That slot is fully booked: pick another one.' },
  appointment_not_found: { status: 409, transient: false,
    message: 'This order has no appointment booked.' },
  appointment_not_due: { status: 409, transient: true,
    message: 'The appointment has not begun yet: a no-show can be recorded once it has.' },
  already_delivered: { status: 409, transient: false,
    message: 'This order has been handed over: nothing about its delivery can change now.' },
  handover_unconfirmed: { status: 422, transient: false,
    message: 'Confirm both the inspection and the keys given before recording a handover.' },
  unknown_price_item: { status: 404, transient: false,
    message: 'The launch has no such trim or option; pick one from its catalogue.' },
  invalid_price_change: { status: 422, transient: false,
    message: 'The price change is not valid; the message names the rule.' },
  price_version_not_found: { status: 404, transient: false,
    message: 'This launch has no price version with that number; list its price versions.' },
  price_version_not_applied: { status: 409, transient: true,
    message: 'This price version has not taken effect yet: its protection runs when it does.' },
  ready_car_not_found: { status: 404, transient: false,
    message: 'There is no such car in ready stock; pick one from the list.' },
  ready_car_taken: { status: 409, transient: true,
    message: 'Another buyer is paying for this car or bought it; pick another, or try again '
      + 'in a few minutes in case their payment does not complete.' },
  ready_car_not_listable: { status: 409, transient: false,
    message: 'This car cannot be listed: it is not a recorded car in the ready-stock pool, '
      + 'nor the car of a cancelled order, or it is listed already.' },
  ready_sale_not_found: { status: 404, transient: false,
    message: 'There is no such ready-stock purchase of yours.' },
  ready_hold_expired: { status: 409, transient: false,
    message: 'The time to pay for this car ran out and it went back on sale; nothing was '
      + 'charged. Buy it again if it is still available.' },
  ready_sale_not_payable: { status: 409, transient: false,
    message: 'This purchase has no balance to pay: it is paid, or it ended.' },
  ready_balance_overdue: { status: 409, transient: false,
    message: 'The balance deadline passed: the car went back on sale and your deposit is '
      + 'being refunded to the original payment method.' },
  waiting_room_not_found: { status: 404, transient: false,
    message: 'There is no such waiting room.' },
  invalid_waiting_room: { status: 422, transient: false,
    message: 'The waiting room\'s settings are not valid; the message names the rule.' },
  waiting_room_not_shuffled: { status: 409, transient: true,
    message: 'This waiting room has not drawn its order yet: the pre-queue is shuffled just '
      + 'after the opening (opens_at), and a room in arrival order (fifo) draws none.' },
  waiting_room_not_open: { status: 409, transient: true,
    message: 'This waiting room\'s pre-queue has not opened yet (or the room is off); come '
      + 'back at the time it gives.' },
  waiting_ticket_invalid: { status: 422, transient: false,
    message: 'This queue ticket is not one this waiting room gave; join the room again.' },
  waiting_ticket_expired: { status: 410, transient: false,
    message: 'Your place lapsed: the page was closed longer than the room keeps a place. Join '
      + 'the room again.' },
  too_many_tickets: { status: 429, transient: true,
    message: 'Too many places are held in this waiting room from your network; keep the one '
      + 'you have (a reload keeps it).' },
  waiting_room_pass_required: { status: 403, transient: false,
    message: 'This sale is behind a waiting room: join it at the address in room_url, and '
      + 'order with the pass it gives you when it is your turn.' },
  waiting_room_pass_invalid: { status: 403, transient: false,
    message: 'Your waiting-room pass has ended, was used for another order or was revoked; '
      + 'join the waiting room again.' },
  // A second request (a double tap, a retry from another tab) while the first with the same
  // pass is still paying: "join again" was false and cost the person their turn.
  waiting_room_pass_in_use: { status: 409, transient: true, retryAfter: true,
    message: 'Another request of yours is using this waiting-room pass right now (it is still '
      + 'being paid for); keep the pass and try again in the seconds in Retry-After.' },
  // A pass was a bearer token any account could spend (issue 17's attacker): it is bound to
  // the first account that uses it.
  waiting_room_pass_other_account: { status: 403, transient: false,
    message: 'This waiting-room pass belongs to another account: a pass is bound to the first '
      + 'account that uses it. Sign in as that account, or join the waiting room for a pass '
      + 'of your own.' },
  opening_held_by_waiting_room: { status: 409, transient: false,
    message: 'People have joined the waiting room in front of this launch or drop: the '
      + 'opening they wait for can no longer move.' },
  // Moved after people joined, a room's pre-queue let its target's opening move and the room
  // be pointed at another sale (the attacker's find); its order, what they were told.
  waiting_room_settings_fixed: { status: 409, transient: false,
    message: 'People have joined this waiting room: what it stands in front of, its opening, '
      + 'its pre-queue time and its order can no longer change (the message names which were '
      + 'sent changed); make another room for another sale.' },
  // A shuffled room made after its opening drew at once under a seed commitment nobody could
  // have noted before it (the new user's finding): a fairness proof of nothing.
  waiting_room_opening_passed: { status: 409, transient: false,
    message: 'The opening of this waiting room has passed: a shuffled room must stand before '
      + 'its opening, so that its seed\'s commitment can be noted before the draw. For a sale '
      + 'already open, use order "fifo" ("shuffle" is the default when order is not sent).' },
  waiting_pass_not_found: { status: 404, transient: false,
    message: 'This waiting room gave no such pass.' },
  // A revoke of a spent or ended pass was answered "no such pass".
  waiting_pass_not_active: { status: 409, transient: false,
    message: 'This pass was spent on an order or purchase that went through, or has ended: '
      + 'revoking it would stop no one.' },
  waiting_ticket_not_found: { status: 404, transient: false,
    message: 'This waiting room has no such ticket.' },
  // A hold of an admitted ticket was answered "no such ticket" while its pass stayed live.
  waiting_ticket_not_in_line: { status: 409, transient: false,
    message: 'This ticket is no longer in the line (it was admitted, or its place lapsed), so '
      + 'it cannot be held or released; to stop an admitted one, revoke its pass (pass_id).' },
  // A text holding half a UTF-16 surrogate pair cannot be stored as sent (it becomes U+FFFD on
  // the way to PostgreSQL and in JSON), so what was checked would not be what is kept.
  text_not_well_formed: { status: 400, transient: false,
    message: 'A text in the request holds a lone UTF-16 surrogate (\\ud800-\\udfff without its '
      + 'pair), or the body is not UTF-8: send well-formed Unicode text.' },
} as const satisfies Record<string, OutcomeSpec>;

export type OutcomeCode = keyof typeof outcomes;

/** An expected refusal: a code from the catalogue and, optionally, a more specific message. */
export interface Refusal {
  readonly ok: false;
  readonly code: OutcomeCode;
  readonly message: string;
  /** Seconds until a retry can succeed, sent as Retry-After (a rate limit knows them). */
  readonly retryAfterSeconds?: number;
  /**
   * Figures the buyer needs beside the message, sent as further fields of the reply's `error`
   * object (e.g. `tries_left` of `code_invalid`); never `code` or `message`.
   */
  readonly details?: Readonly<Record<string, number | string>>;
  /** The methods the path takes, sent as Allow with `method_not_allowed` (RFC 9110 15.5.6). */
  readonly allow?: readonly string[];
  /**
   * True when the refused request still left something under its Idempotency-Key that can be
   * bought with (a drop's hold still held after its paying settle was refused for load): the
   * waiting-room pass it claimed stays spent (admission-gate.ts givesPassBack). Never sent.
   */
  readonly heldUnderKey?: boolean;
}

export type Result<T> = { readonly ok: true; readonly value: T } | Refusal;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refuse(code: OutcomeCode, message?: string): Refusal {
  return { ok: false, code, message: message ?? outcomes[code].message };
}

/** Longest part of a caller's value a message repeats (`quoted`); a body can hold far longer. */
export const QUOTED_CHARS_MAX = 64;

/**
 * `text` as a message repeats it: its first QUOTED_CHARS_MAX characters, whole code points (a
 * cut through a surrogate pair left a lone half of an emoji), then "…".
 */
export function shortText(text: string): string {
  if (text.length <= QUOTED_CHARS_MAX) return text;
  const chars = [...text];
  return chars.length > QUOTED_CHARS_MAX ? `${chars.slice(0, QUOTED_CHARS_MAX).join('')}…` : text;
}

/**
 * A caller's value as a refusal's message names it: in JSON quotes (so a control character or
 * a quote in it cannot garble the sentence), cut as `shortText` cuts. A message that names the
 * value it refuses lets the caller see which one to fix.
 */
export function quoted(value: string): string {
  return JSON.stringify(shortText(value));
}
