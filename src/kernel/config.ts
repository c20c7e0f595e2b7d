// Configuration is read here, from the environment, once; validated; frozen; passed down.
// Nothing else in launchday reads process.env.
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { parseIsoTime } from './iso-time.js';

export interface Limits {
  /** Largest request body accepted. */
  readonly bodyBytesMax: number;
  /** Largest body of an operator's bulk import, which carries thousands of accounts. */
  readonly importBodyBytesMax: number;
  /** Commands written in one group-commit transaction. */
  readonly batchCommandsMax: number;
  /** Commands waiting that send a batch before the event loop's turn ends. */
  readonly batchEarlyCommands: number;
  /** As batchEarlyCommands, while no batch is under way (the writer is idle). */
  readonly batchIdleCommands: number;
  /** Group-commit batches under way at once (writing, or waiting for their flush). */
  readonly batchesInFlightMax: number;
  /** Commands waiting for a commit before new ones are answered 503. */
  readonly pendingCommandsMax: number;
  /** The oldest waiting write's age beyond which new writes are refused with 503. */
  readonly queueDelayMaxMs: number;
  /** Seconds a client is told to wait in Retry-After when refused for load. */
  readonly retryAfterSeconds: number;
  readonly importAccountsMax: number;
  readonly ordersListMax: number;
  readonly adminSearchMax: number;
  readonly auditLogMax: number;
  readonly autoLockBatchMax: number;
  /**
   * Viewers of the live stream at once; past it `503 live_viewers_full`, and the screen polls
   * the cacheable snapshot (live-snapshot-route.ts). Env LAUNCHDAY_LIVE_VIEWERS_MAX (lower only).
   */
  readonly liveViewersMax: number;
  /**
   * Buyers' sign-in tokens kept in memory (about 400 bytes each); the cache starts over when
   * full. Sized with the old generation's cap (`--max-old-space-size`, README): 500,000 take
   * about 200 MB of a 640 MB heap.
   */
  readonly tokenCacheMax: number;
  readonly codeTtlSeconds: number;
  readonly codeAttemptsMax: number;
  readonly optionsPerOrderMax: number;
  readonly clockAdvanceSecondsMax: number;
  /**
   * Requests one connection may have in flight at once. node:http reads pipelined requests
   * ahead and starts them all; past this many it answers 503 overloaded without running them.
   * The lane reads the next request only once the last is answered, so it holds one.
   */
  readonly connectionRequestsMax: number;
  /**
   * Longest request head (request line and headers), bytes: the lane's, and node:http's
   * `maxHeaderSize` (its default, said here so both stay in step); longer is `431
   * headers_too_large`, and the connection is closed.
   */
  readonly requestHeadBytesMax: number;
  /** Most headers in one request (node:http's `maxHeadersCount`; the lane leaves more to it). */
  readonly requestHeadersMax: number;
  /**
   * A kept-alive connection with no request for this long (ms) is closed, by the lane and by
   * node:http (its keepAliveTimeout and socket timeout): an idle socket costs a descriptor.
   */
  readonly keepAliveMs: number;
  /**
   * A request not received whole within this long (ms), however it trickles in, is answered
   * `408 request_timeout` and its connection closed (the lane's deadline; node:http's
   * requestTimeout): a slow client cannot hold a connection open a byte at a time.
   */
  readonly requestTimeoutMs: number;
  /**
   * Bytes received on one connection and not yet answered (pipelined requests) beyond which the
   * lane stops reading it, until its replies are answered and taken by the peer (http-lane.ts).
   */
  readonly connectionUnreadBytesMax: number;
  /**
   * GET request targets (path and query) whose route the HTTP shell keeps found, so that a
   * repeated read (a launch, its figures, a page) is not matched against every route again.
   * Past this many distinct targets the kept ones are forgotten and found again as asked.
   */
  readonly laneGetRoutesKeptMax: number;
  /**
   * Live frames in a row a viewer may miss because its stream has not drained (a frame is
   * skipped, never queued, while the peer is not reading) before it is disconnected.
   */
  readonly liveStalledFramesMax: number;
  /**
   * Connections open at once, idle ones included; past it a new one is closed as it arrives
   * (node's `server.maxConnections`), so that a crowd of idle sockets cannot take the process's
   * last file descriptors and leave it answering no one (the machine's limit is 20,000). Above
   * `liveViewersMax`: every live viewer holds one. Env LAUNCHDAY_CONNECTIONS_MAX.
   */
  readonly connectionsMax: number;
  /**
   * Connections one network address (IPv4, or an IPv6 /64: rate-limits.ts `addressKey`) may hold
   * open at once; past it a new one is answered `429 too_many_connections` and closed, so that
   * one machine cannot take the whole of `connectionsMax` from everyone else. 512: a carrier's
   * NAT shares one public IPv4 address among some 32-64 phones (port blocks of 1,000-2,000 of
   * its 64,512 ports), and a phone holds 1-2 kept-alive connections to one site, 6 at most while
   * a browser loads a page: 64 x 6 = 384 leaves room. Not applied behind a proxy
   * (LAUNCHDAY_TRUST_PROXY=on: every connection is the proxy's). At most `connectionsMax`.
   * Env LAUNCHDAY_CONNECTIONS_PER_ADDRESS_MAX (the benchmarks, all from 127.0.0.1, raise it).
   */
  readonly connectionsPerAddressMax: number;
  /**
   * Connections one IPv6 /48 may hold open at once, above the per-/64 cap (connection-gate.ts);
   * past it a new one is answered `429 too_many_connections` and closed. A subscriber is given a
   * /56 or a /48, 256 or 65,536 /64s, each of which held 512: one subscriber could take every
   * connection the process has. 2,048 (an eighth of connectionsMax): a thousand phones of one
   * /48 at two kept-alive connections each; a carrier that puts more of its phones at once in
   * one /48 needs it raised, as waitingTicketsPerNetworkMax caps the places of one. IPv4 has
   * no such cap (a carrier's NAT spreads its phones over a few addresses of a /24). At least
   * connectionsPerAddressMax, at most connectionsMax; not applied behind a proxy. Env
   * LAUNCHDAY_CONNECTIONS_PER_NETWORK_MAX.
   */
  readonly connectionsPerNetworkMax: number;
  /**
   * New connections the kernel holds for the process to accept (node's listen backlog, 511 by
   * default): past it a phone's connection attempt is dropped and retried only after 1 or 3
   * seconds. Linux caps it at net.core.somaxconn (4096 on this machine and on Linux 5.4 and
   * later). Env LAUNCHDAY_LISTEN_BACKLOG.
   */
  readonly listenBacklog: number;
  /**
   * Handles accepting new connections on the one listening socket, each a file descriptor of
   * its own in the event loop (accept-handles.ts). node 20 accepts one connection per handle per
   * event-loop turn, so while each turn also reads hundreds of kept-alive order connections the
   * accept queue fills and new connections' SYNs are dropped (retried after 1 s); with N handles
   * a turn accepts up to N. 1 (the one handle node has) by default: on this 2-core machine the
   * storm is bound by CPU, not by accepts, and 8 handles did not move its p99 while each
   * connection arriving alone cost 10-50 us more (every handle is woken, all but one get EAGAIN;
   * 64 handles: 185 us more) (docs/benchmarks.md, "Session 13"). Not applied behind a proxy
   * (LAUNCHDAY_TRUST_PROXY=on: the storm is the proxy's to absorb). Env LAUNCHDAY_ACCEPT_HANDLES.
   */
  readonly acceptHandles: number;
  /**
   * Connections waiting in the kernel's accept queue (read from /proc/net/tcp) that mean a storm
   * of new connections. node 20 accepts one connection per event-loop turn, so while each turn
   * also reads hundreds of kept-alive connections the queue grows; in a storm a kept-alive
   * connection begins at most one request per `stormWindowMs`, so that the turns are short and
   * the new connections are accepted and answered (storm-guard.ts). 0 turns the guard off.
   * Above listenBacklog it never fires. Env LAUNCHDAY_STORM_QUEUE_MIN.
   */
  readonly stormQueueMin: number;
  /**
   * How often the storm guard reads the accept queue while connections arrive, ms (a read costs
   * about 50 us: listen-queue.ts). Env LAUNCHDAY_STORM_PROBE_MS.
   */
  readonly stormProbeMs: number;
  /**
   * At a storm window's end, the held kept-alive connections given their next request in one
   * event-loop turn; the rest in the turns after. node accepts one connection per turn, so a
   * turn that answered every held order at once (256 orders, about 30 ms) would accept one
   * connection in that time. Env LAUNCHDAY_STORM_RELEASE_PER_TURN.
   */
  readonly stormReleasePerTurn: number;
  /**
   * The storm guard's window, ms: in a storm a kept-alive connection begins at most one request
   * per window (a held order waits at most this long more), and a storm ends this long after
   * the last turn that saw a long queue. Env LAUNCHDAY_STORM_WINDOW_MS.
   */
  readonly stormWindowMs: number;
  // Rate limits (rate-limits.ts): sliding windows, refused 429 with Retry-After. Counted on
  // the database, shared by every API process, except the buyer's writes (in memory: see there).
  /**
   * The sliding window of sign-in codes, in seconds: code requests and failed code checks are
   * counted over it, and `codeAttemptsMax` is the failed checks a phone may have in it (asking
   * for a new code does not reset them: 5 guesses in 15 minutes of 1,000,000 codes).
   */
  readonly codeWindowSeconds: number;
  /** Codes sent to one phone per code window: no flooding a victim's phone. */
  readonly codeRequestsPerPhoneMax: number;
  /** Codes asked for from one network address per code window (a carrier's NAT holds many). */
  readonly codeRequestsPerAddressMax: number;
  /** Sign-in attempts (code checks) from one network address per code window. */
  readonly signInsPerAddressMax: number;
  /** The window of registrations, in seconds. */
  readonly registrationWindowSeconds: number;
  /** Registration attempts naming one phone, and one identity number, per window. */
  readonly registrationsPerKeyMax: number;
  /** Registration attempts from one network address per registration window. */
  readonly registrationsPerAddressMax: number;
  /** The window of a buyer's writes (order, lock, cancel, change), in seconds. */
  readonly buyerWriteWindowSeconds: number;
  /** Writes one account may make per window, in each API process. */
  readonly buyerWritesPerAccountMax: number;
  /** Buyers' writes from one network address per window, in each API process. */
  readonly buyerWritesPerAddressMax: number;
  /**
   * The window of reads of a room's published draw (GET /waiting-rooms/{id}/shuffle), in
   * seconds, and the pages one network address may read per window, in each API process
   * (counted in memory, as a buyer's writes). Env LAUNCHDAY_DRAW_READS_PER_ADDRESS_MAX.
   */
  readonly drawReadWindowSeconds: number;
  readonly drawReadsPerAddressMax: number;
  /** Rate counters one process keeps in memory (about 200 bytes each) before it sweeps them. */
  readonly rateKeysMax: number;
  /**
   * A refund handed to the provider and not confirmed within this (ms) is asked about
   * (`refundStatus`), and re-sent if the provider lost it; asked again after as long again.
   * Env LAUNCHDAY_REFUND_CONFIRM_AFTER_SECONDS.
   */
  readonly refundConfirmAfterMs: number;
  /**
   * A refund not settled this long (ms) after launchday asked for it is shown to operators
   * (GET /admin/payments/unsettled). Env LAUNCHDAY_REFUND_UNSETTLED_ALERT_SECONDS.
   */
  readonly refundUnsettledAlertMs: number;
  /**
   * A charge the provider holds that no order holds is voided once it is this old (ms): younger
   * ones may belong to a request still being committed, here or on another process.
   */
  readonly chargeSweepGraceMs: number;
  /** Refunds asked about, and held charges compared with orders, per reconciliation round. */
  readonly paymentReconcileBatchMax: number;
  /** Payment anomalies and unsettled refunds listed per page for operators. */
  readonly paymentAnomaliesListMax: number;
  /**
   * A buyer's session ends this long after its sign-in, however busy (seconds; 30 days).
   * Env: LAUNCHDAY_SESSION_ABSOLUTE_SECONDS.
   */
  readonly sessionAbsoluteSeconds: number;
  /**
   * A session unused this long ends (seconds; 7 days). Env: LAUNCHDAY_SESSION_IDLE_SECONDS.
   */
  readonly sessionIdleSeconds: number;
  /**
   * A session's last use is written at most once per this many seconds (5 minutes), so that
   * the order path does not write on every request; the idle timeout may run this much late.
   */
  readonly sessionTouchSeconds: number;
  /**
   * A cached operator token is checked against the store again when the check is older than
   * this (seconds; 10): a removal or rotation made by another process takes effect here within
   * it (and at once for the operator routes that manage operators, which read the store).
   * Env: LAUNCHDAY_SESSION_RECHECK_SECONDS.
   */
  readonly sessionRecheckSeconds: number;
  /**
   * How often a process reads the store's count of session revocations (ms; 1,000), so that a
   * sign-out or an operator's revocation made in another process takes effect here within
   * twice this, without reading every cached session again (sessions.ts).
   * Env: LAUNCHDAY_SESSION_REVOCATION_POLL_MS.
   */
  readonly sessionRevocationPollMs: number;
  /** Sessions read from the store in one query at most (requests missing the cache at once). */
  readonly sessionReadBatchMax: number;
  /** A buyer's sessions listed by GET /sessions (the newest). */
  readonly sessionsListMax: number;
  /** Named operators at most (POST /admin/operators). */
  readonly operatorsMax: number;
  /** Text messages being sent to a real SMS provider at once; more wait their turn. */
  readonly smsConcurrencyMax: number;
  /** Text messages waiting for a turn before new ones are dropped (logged). */
  readonly smsQueueMax: number;
  /** How long one request to the SMS provider may take before it is abandoned (ms). */
  readonly smsTimeoutMs: number;
  /** Messages the sandbox SMS sender keeps for the operator's console (the newest). */
  readonly sandboxSmsKept: number;
  /** Longest reason an operator gives for cancelling, refunding or revoking (characters). */
  readonly operatorReasonMax: number;
  /** Dated rates in one version of a production plan. */
  readonly planRatesMax: number;
  /** Largest weekly rate of a plan (cars of one trim a week). */
  readonly planUnitsPerWeekMax: number;
  /** Largest weekly handover capacity of a delivery centre. */
  readonly handoversPerWeekMax: number;
  /** Re-plans listed to an operator. */
  readonly replansListMax: number;
  /** Estimate changes per page (operators; the notifications capability pages the same way). */
  readonly estimateChangesPageMax: number;
  /** Estimates shown at lock held in memory before a write is started without the timer. */
  readonly shownEstimatesBufferMax: number;
  /** Built cars recorded in one production run (one request, one transaction). */
  readonly carsPerRunMax: number;
  /** Ready-stock cars listed to an operator. */
  readonly readyStockListMax: number;
  /** How often the delivery worker looks for messages due (ms; notifications). */
  readonly notificationRoundMs: number;
  /** Messages one delivery round claims at most. */
  readonly notificationClaimBatchMax: number;
  /** Messages being handed to the provider at once by one process. */
  readonly notificationSendsInFlightMax: number;
  /** Sends tried per message before it is given up as failed. */
  readonly notificationAttemptsMax: number;
  /** Provider messages per notification: a new one only after one was reported undelivered. */
  readonly notificationGenerationsMax: number;
  /** The first retry's delay; each next one doubles, with jitter, up to the max (ms). */
  readonly notificationBackoffBaseMs: number;
  readonly notificationBackoffMaxMs: number;
  /**
   * How long a claimed message is held by its worker (ms): after it, another worker (or this
   * one after a restart) sends it again, under the same idempotency key.
   */
  readonly notificationLeaseMs: number;
  /** Delivery reports recorded in one transaction at most. */
  readonly notificationReportsBatchMax: number;
  /** Messages listed per page (an order's messages, the operator's outbox view). */
  readonly notificationsListMax: number;
  /**
   * How long a drop's hold keeps its units while the payment completes (s); past it the units
   * return to the waitlist or to sale (a charge made for a hold that ended is voided).
   */
  readonly dropHoldSeconds: number;
  /**
   * How long a waitlist offer waits for its buyer to pay before it passes to the next (s).
   * Env LAUNCHDAY_DROP_OFFER_SECONDS; the hold's is LAUNCHDAY_DROP_HOLD_SECONDS.
   */
  readonly dropOfferSeconds: number;
  /** Variants (sizes) one drop may have. */
  readonly dropVariantsMax: number;
  /**
   * Entries a drop definition's `variants` list may carry before any is read (PUT
   * /admin/drops/{id}: `422 invalid_request`, the schema's bound on the body's list); at least
   * dropVariantsMax, so that a list of 21 to this many is refused by the drop's own rule,
   * `invalid_drop` naming the real bound, and only a list longer still goes unread.
   */
  readonly dropVariantsListedMax: number;
  /** Units of one variant a drop may sell. */
  readonly dropQuantityMax: number;
  /** Highest per-account or per-identity limit a drop may set; also most units per request. */
  readonly dropUnitsPerBuyerMax: number;
  /** Entries waiting on one drop's waitlist at most. Env LAUNCHDAY_DROP_WAITLIST_MAX. */
  readonly dropWaitlistMax: number;
  /** Drops, and a buyer's holds in one drop, listed at most. */
  readonly dropsListMax: number;
  /** Drops one page of a buyer's drop purchases covers at most, one read each (GET /drop-purchases). */
  readonly dropPurchasePageDropsMax: number;
  /**
   * Ended drop holds whose operator cancel (or its absence) a process keeps once read
   * (DropsService.revokesOf), at most; past it the kept ones are dropped and read again.
   */
  readonly dropRevokesKeptMax: number;
  /**
   * Holds of a drop sold for good (every unit paid) kept in memory at most, so that a refused
   * purchase's key is looked up without a store read; a drop with more is looked up in the store.
   */
  readonly dropFinalHoldsMax: number;
  /**
   * How often every process re-plans by itself (ms), so that orders locked since the last
   * re-plan get a stored estimate and a change missed by a crash is planned; a plan or centre
   * change re-plans at once. Env LAUNCHDAY_REPLAN_INTERVAL_MS.
   */
  readonly replanIntervalMs: number;
  /**
   * Estimates written per transaction by a re-plan on SQLite (orders keep flowing between).
   * Env LAUNCHDAY_REPLAN_SLICE_ORDERS.
   */
  readonly replanSliceOrders: number;
  /** Built cars listed to an operator at most, newest first, grouped into their runs. */
  readonly carsListMax: number;
  /** Weeks of a production plan's chart at most (capacity against locked orders). */
  readonly planWeeksShownMax: number;
  /**
   * Days the buyer has to pay the balance, counted from the car being ready for inspection at
   * the centre, not from scheduling (a court found 7 days before inspection unfair).
   * Env LAUNCHDAY_BALANCE_DEADLINE_DAYS.
   */
  readonly balanceDeadlineDays: number;
  /** Days before the deadline the one reminder goes out. Env LAUNCHDAY_BALANCE_REMINDER_DAYS. */
  readonly balanceReminderDays: number;
  /**
   * Days of grace after the overdue notice before the rule applies (the car is released).
   * Env LAUNCHDAY_BALANCE_GRACE_DAYS.
   */
  readonly balanceGraceDays: number;
  /** Parts (pending or received) one order's balance may be paid in. */
  readonly balancePartsMax: number;
  /** Smallest balance part (fen), but the last part may be what is left. */
  readonly balancePartMinFen: number;
  /** Days of deferral one order may ask for in all. Env LAUNCHDAY_DEFERRAL_MAX_DAYS. */
  readonly deferralMaxDays: number;
  /** Missed appointments after which the car is released. Env LAUNCHDAY_NO_SHOW_MAX. */
  readonly noShowMax: number;
  /**
   * Handovers one centre takes per appointment slot unless an operator sets its own.
   * Env LAUNCHDAY_SLOT_CAPACITY.
   */
  readonly slotCapacity: number;
  /** Largest capacity an operator may give a centre's slot. */
  readonly slotCapacityMax: number;
  /** Length of an appointment slot (minutes); slots run 10:00-18:00 Beijing. */
  readonly slotMinutes: number;
  /** Days ahead a buyer may book an appointment. */
  readonly appointmentDaysAhead: number;
  /** Deliveries listed to an operator per page. */
  readonly deliveriesListMax: number;
  /** How often the balance deadlines are swept for reminders, notices and releases (ms). */
  readonly deliverySweepMs: number;
  /** Deliveries one sweep handles at most (the rest in the next). */
  readonly deliverySweepBatchMax: number;
  /**
   * A balance part still pending this long (ms) after it was asked for is asked about at the
   * provider (`collectionStatus`), then again after twice as long each time, up to
   * `collectionCheckMaxIntervalMs`, until it is settled (deliveries/collection-reconciler.ts).
   * Env LAUNCHDAY_COLLECTION_CHECK_AFTER_SECONDS.
   */
  readonly collectionCheckAfterMs: number;
  /** The longest wait between two questions about one pending part (ms). */
  readonly collectionCheckMaxIntervalMs: number;
  /** How often pending parts are looked for (ms): the collection reconciler's timer. */
  readonly collectionReconcileMs: number;
  /** Pending parts asked about per round at most (the rest in the next). */
  readonly collectionChecksPerRound: number;
  /**
   * The suspicious-pattern report (scalpers/suspicion.ts): accounts behind one device, payment
   * source, delivery address or network before it counts as shared. The network's is higher: a
   * campus or a carrier's NAT puts honest buyers behind one. Env LAUNCHDAY_SUSPICION_*.
   */
  readonly suspicionDeviceAccountsMin: number;
  readonly suspicionPaymentAccountsMin: number;
  readonly suspicionAddressAccountsMin: number;
  readonly suspicionNetworkAccountsMin: number;
  /**
   * A burst: this many orders of one cluster within `suspicionBurstWindowSeconds` (a cluster
   * that shares only a network counts only its accounts no other key links: issue #17).
   */
  readonly suspicionBurstOrdersMin: number;
  readonly suspicionBurstWindowSeconds: number;
  /**
   * Bulk registration: this many of a cluster's accounts registered within
   * `suspicionBulkWindowSeconds`, in the `suspicionBulkBeforeOpeningHours` before the opening.
   */
  readonly suspicionBulkAccountsMin: number;
  readonly suspicionBulkWindowSeconds: number;
  readonly suspicionBulkBeforeOpeningHours: number;
  /** Signals one report reads at most (it says `truncated` past it). */
  readonly suspicionSignalsMax: number;
  /** Clusters one report lists at most, most suspicious first. */
  readonly suspicionClustersMax: number;
  /** Orders one batch cancel of flagged orders takes at most. */
  readonly flaggedCancelMax: number;
  /**
   * How long after its payment an operator may still cancel a merchandise drop's sale with a
   * full refund (h): the window before the parcel ships, ours (DOMAIN.md gives no rule for
   * merchandise; a car's deposit locks on payment). Env LAUNCHDAY_DROP_SALE_CANCEL_HOURS.
   */
  readonly dropSaleCancelHours: number;
  /** Signals waiting in memory to be written at most; past it new ones are dropped (counted). */
  readonly signalsBufferMax: number;
  /** How often buffered signals are written (ms). */
  readonly signalsFlushMs: number;
  /**
   * How long buffered signals may wait for the group commit to be idle (ms): while buyers'
   * writes are waiting or under way (a drop's opening), the timer's flush leaves the writer to
   * them, up to this long. A crash loses what waits: up to this and one signalsFlushMs.
   */
  readonly signalsFlushDeferMaxMs: number;
  /** Highest list price a price version may set (fen): 10 million yuan. */
  readonly priceMaxFen: number;
  /** How far ahead a price change may be dated (days). */
  readonly priceHorizonDays: number;
  /** Price versions listed per launch at most; more are refused (a launch has few). */
  readonly priceVersionsMax: number;
  /** Orders read per transaction while price protection is applied to a price change. */
  readonly protectionPageOrders: number;
  /**
   * How long a ready-stock car is held for a buyer while the payment completes (s); past it the
   * car is on sale again at once. Env LAUNCHDAY_READY_HOLD_SECONDS.
   */
  readonly readyHoldSeconds: number;
  /** The balance deadline of a ready-stock car bought with a deposit (hours). Env
   * LAUNCHDAY_READY_BALANCE_HOURS. */
  readonly readyBalanceHours: number;
  /** A buyer's ready-stock purchases listed at most. */
  readonly readySalesListMax: number;
  /** Weeks in the books' deliveries-per-week series at most. */
  readonly booksWeeksMax: number;
  /** Days in the books' launch-against-launch series at most. */
  readonly booksDaysMax: number;
  /** Ledger rows in one CSV export or page at most. */
  readonly ledgerRowsMax: number;
  /** How often price books applies due price changes, ends due holds, follows refunds (ms). */
  readonly pricebooksRoundMs: number;
  /** Refunds asked or checked at the provider per round at most. */
  readonly pricebooksRefundsPerRound: number;
  /** Waiting rooms held and listed at most. */
  readonly waitingRoomsMax: number;
  /** Highest admission rate a room may set (people a minute). */
  readonly waitingAdmitPerMinuteMax: number;
  /** Highest cap on admitted-but-unfinished sessions a room may set. */
  readonly waitingActiveMax: number;
  /** Longest pass (s) and longest time a place is kept after the last poll (s) a room may set. */
  readonly waitingPassSecondsMax: number;
  readonly waitingGraceSecondsMax: number;
  /**
   * How long a place is kept after its last poll when the room does not say (s): a reload or a
   * short disconnect keeps it. Env LAUNCHDAY_WAITING_ROOM_GRACE_SECONDS.
   */
  readonly waitingGraceSeconds: number;
  /**
   * Places one network address may hold in one room at once; past it `429 too_many_tickets`
   * (a carrier's NAT puts many people behind one). Env LAUNCHDAY_WAITING_TICKETS_PER_ADDRESS_MAX.
   */
  readonly waitingTicketsPerAddressMax: number;
  /**
   * Places one network (an IPv4 /24, an IPv6 /48) may hold in one room at once; past it
   * `429 too_many_tickets`. A farm of addresses in one block (a rented /24 held 256 x 50
   * places by the per-address limit alone) is capped here; set well above the per-address
   * limit, since a carrier's NAT spreads many honest people over a few /24s. Env
   * LAUNCHDAY_WAITING_TICKETS_PER_NETWORK_MAX.
   */
  readonly waitingTicketsPerNetworkMax: number;
  /** Least time between two polls of one ticket (ms); sooner is `429 rate_limited`. */
  readonly waitingPollIntervalMinMs: number;
  /**
   * The least poll interval a waiting reply suggests (s, its Retry-After and
   * `poll_after_seconds`): near the front of the line. Further back the interval follows the
   * estimated wait (`pollAfterSeconds` in src/waiting-rooms/waiting-room.ts).
   */
  readonly waitingPollAfterSeconds: number;
  /**
   * The longest poll interval suggested (s). A room's own cap is lower when its grace or pass is
   * short: a sixth of the shorter of the two, so a place outlives several missed polls and an
   * admitted person learns of the pass with most of it left.
   */
  readonly waitingPollAfterMaxSeconds: number;
  /**
   * Further back, the interval is the estimated wait over this (then clamped between the two
   * above): someone polls about this many times before their turn while the rate holds.
   */
  readonly waitingPollWaitShare: number;
  /**
   * Pre-queue polls are aimed just after the opening (when the shuffle gives positions), spread
   * at random over this many seconds so that the whole pre-queue does not ask at once: 100,000
   * over 20 s is 5,000 polls a second, about twice the paced line's rate (docs/benchmarks.md,
   * session 16). Few are admitted within it (600 a minute: 200), and a pass runs from the
   * admission, so a later look costs those few at most this long of a pass of minutes.
   */
  readonly waitingOpeningSpreadSeconds: number;
  /** A suggested interval is shortened at random by up to this percent (polls spread out). */
  readonly waitingPollJitterPercent: number;
  /** How old a process's copy of a room's line may be before it is read again (ms). */
  readonly waitingLineRefreshMs: number;
  /** How often the admitter runs (ms), and people it admits in one round at most. */
  readonly waitingAdmitRoundMs: number;
  readonly waitingAdmitRoundMax: number;
  /** Polls remembered between two writes of their times (each is a ticket id and a time). */
  readonly waitingTouchesMax: number;
  /** How often the polls' times are written (ms): well within the shortest grace (30 s). */
  readonly waitingTouchFlushMs: number;
  /** Passes listed for an operator at most. */
  readonly waitingPassesListMax: number;
  /** Tickets an operator's look-up lists at most (GET /admin/waiting-rooms/{id}/tickets). */
  readonly waitingTicketsListMax: number;
  /** Entries of a room's draw one page lists at most (GET /waiting-rooms/{id}/shuffle). */
  readonly waitingDrawPageMax: number;
  /**
   * How long a request's claim holds a pass while the request runs (ms). Longer than the
   * slowest request that holds one: the payment (the sandbox's slow bank takes up to 10 s) and
   * the commit queue's bound (`queueDelayMaxMs`); a claim that outlives it counts as spent
   * (never as given back). At 10 s a purchase paid by the 10 s slow bank outlived its own
   * claim, and a second request with the pass was told to join the room again.
   */
  readonly waitingPassClaimMs: number;
  /**
   * How long a concurrent request with a pass another request claimed waits for that
   * request's outcome (ms), asking again every `waitingPassClaimPollMs`; past it the request is
   * answered `waiting_room_pass_in_use` (retry in a moment), not told to join again. Also how
   * long a join waits for another process's join from the same address.
   */
  readonly waitingPassClaimWaitMs: number;
  readonly waitingPassClaimPollMs: number;
}

/**
 * Which rate limits apply: all; all but the per-address ones (a load test or the simulator
 * sends every buyer from one machine); none (the intake benchmark, whose 20,000 accounts each
 * order thousands of times a minute). Anything but `on` is logged loudly at start.
 */
export type RateLimitMode = 'on' | 'per-address-off' | 'off';

/** Where sign-in codes go: the sandbox keeps them for the operator; twilio texts them. */
export type SmsConfig =
  | { readonly provider: 'sandbox' }
  | {
    readonly provider: 'twilio';
    /** Twilio's Account SID (AC...), also the user of its Basic authentication. */
    readonly accountSid: string;
    readonly authToken: string;
    /** The sender: a Twilio number in E.164 (+1...) or a Messaging Service SID (MG...). */
    readonly from: string;
    /** https://api.twilio.com unless a test points it at a stand-in. */
    readonly baseUrl: string;
  };

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** A postgres:// URL: the store for more than one machine. Null: embedded SQLite. */
  readonly databaseUrl: string | null;
  /** A PostgreSQL schema of launchday's own (created if missing); null: the default one. */
  readonly databaseSchema: string | null;
  /** Null: generate one on first start and keep it in the store. */
  readonly adminToken: string | null;
  /** Signs the payment provider's notifications; null: generated once and kept in the store. */
  readonly paymentSecret: string | null;
  /** Signs waiting-room tickets and passes; null: generated once and kept in the store. */
  readonly waitingRoomSecret: string | null;
  readonly clock: 'real' | 'simulated';
  readonly clockStartMs: number | null;
  readonly demoLaunch: boolean;
  readonly demoDelaySeconds: number;
  /**
   * Percent of balance parts the sandbox payment provider fails (a `collection.failed`
   * notification), so that rehearsals and the simulator see parts fail and paid again; 0 in
   * production, where the sandbox is not used.
   */
  readonly sandboxCollectFailurePercent: number;
  /** The pages' folder: LAUNCHDAY_WEB_DIR, else the package's own `web/` wherever it is run from. */
  readonly webDir: string;
  /** Reads the API's requests off the socket itself (http-lane.ts); off: node:http reads all. */
  readonly httpLane: boolean;
  readonly rateLimits: RateLimitMode;
  /**
   * Whether a proxy in front sets X-Forwarded-For: then its last address is the client's (the
   * one the proxy saw); otherwise the header is ignored and the socket's address counts.
   */
  readonly trustProxy: boolean;
  /**
   * Development only (LAUNCHDAY_DEV_SHOW_CODES=on, warned about at start): the reply to a code
   * request carries the code, so anyone can sign in as anyone. Only with the sandbox sender.
   */
  readonly devShowCodes: boolean;
  readonly sms: SmsConfig;
  readonly limits: Limits;
  /** The least severe log lines written (pino's levels); 'silent' writes none. */
  readonly logLevel: LogLevel;
  /**
   * A bearer token that may read GET /api/v1/metrics besides the operator's, so that a
   * Prometheus server need not hold the operator token. Null: only the operator's.
   */
  readonly metricsToken: string | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = typeof LOG_LEVELS[number];

export const defaultLimits: Limits = Object.freeze({
  bodyBytesMax: 16 * 1024,
  importBodyBytesMax: 2 * 1024 * 1024,
  batchCommandsMax: 2_000,
  batchEarlyCommands: 128,
  batchIdleCommands: 32,
  batchesInFlightMax: 4,
  pendingCommandsMax: 20_000,
  queueDelayMaxMs: 100,
  retryAfterSeconds: 1,
  importAccountsMax: 5_000,
  ordersListMax: 100,
  adminSearchMax: 100,
  auditLogMax: 1_000,
  autoLockBatchMax: 5_000,
  liveViewersMax: 10_000,
  tokenCacheMax: 500_000,
  sessionReadBatchMax: 500,
  codeTtlSeconds: 300,
  codeAttemptsMax: 5,
  optionsPerOrderMax: 16,
  clockAdvanceSecondsMax: 400 * 24 * 3600,
  connectionRequestsMax: 32,
  requestHeadBytesMax: 16 * 1024,
  requestHeadersMax: 64,
  keepAliveMs: 65_000,
  requestTimeoutMs: 30_000,
  connectionUnreadBytesMax: 64 * 1024,
  laneGetRoutesKeptMax: 1_000,
  liveStalledFramesMax: 30,
  connectionsMax: 16_000,
  connectionsPerAddressMax: 512,
  connectionsPerNetworkMax: 2_048,
  listenBacklog: 4096,
  acceptHandles: 1,
  stormQueueMin: 256,
  stormProbeMs: 20,
  stormReleasePerTurn: 16,
  stormWindowMs: 100,
  codeWindowSeconds: 15 * 60,
  codeRequestsPerPhoneMax: 5,
  codeRequestsPerAddressMax: 100,
  signInsPerAddressMax: 200,
  registrationWindowSeconds: 3600,
  registrationsPerKeyMax: 10,
  registrationsPerAddressMax: 100,
  buyerWriteWindowSeconds: 60,
  buyerWritesPerAccountMax: 120,
  buyerWritesPerAddressMax: 6_000,
  drawReadWindowSeconds: 60,
  drawReadsPerAddressMax: 120,
  rateKeysMax: 200_000,
  refundConfirmAfterMs: 10 * 60_000,
  refundUnsettledAlertMs: 60 * 60_000,
  chargeSweepGraceMs: 5 * 60_000,
  paymentReconcileBatchMax: 500,
  paymentAnomaliesListMax: 1_000,
  sessionAbsoluteSeconds: 30 * 24 * 3600,
  sessionIdleSeconds: 7 * 24 * 3600,
  sessionTouchSeconds: 300,
  sessionRecheckSeconds: 10,
  sessionRevocationPollMs: 1_000,
  sessionsListMax: 50,
  operatorsMax: 100,
  smsConcurrencyMax: 8,
  smsQueueMax: 10_000,
  smsTimeoutMs: 10_000,
  sandboxSmsKept: 200,
  operatorReasonMax: 500,
  planRatesMax: 200,
  planUnitsPerWeekMax: 1_000_000,
  handoversPerWeekMax: 1_000_000,
  replansListMax: 100,
  estimateChangesPageMax: 1_000,
  shownEstimatesBufferMax: 5_000,
  carsPerRunMax: 5_000,
  readyStockListMax: 1_000,
  notificationRoundMs: 1_000,
  notificationClaimBatchMax: 200,
  notificationSendsInFlightMax: 16,
  notificationAttemptsMax: 12,
  notificationGenerationsMax: 3,
  notificationBackoffBaseMs: 2_000,
  notificationBackoffMaxMs: 10 * 60_000,
  notificationLeaseMs: 60_000,
  notificationReportsBatchMax: 500,
  notificationsListMax: 100,
  dropHoldSeconds: 120,
  dropOfferSeconds: 600,
  dropVariantsMax: 20,
  dropVariantsListedMax: 64,
  dropQuantityMax: 1_000_000,
  dropUnitsPerBuyerMax: 10,
  dropWaitlistMax: 100_000,
  dropFinalHoldsMax: 100_000,
  dropsListMax: 100,
  dropRevokesKeptMax: 100_000,
  dropPurchasePageDropsMax: 20,
  replanIntervalMs: 10 * 60_000,
  replanSliceOrders: 2_000,
  carsListMax: 1_000,
  planWeeksShownMax: 156,
  balanceDeadlineDays: 21,
  balanceReminderDays: 7,
  balanceGraceDays: 14,
  balancePartsMax: 10,
  balancePartMinFen: 100,
  deferralMaxDays: 360,
  noShowMax: 2,
  slotCapacity: 4,
  slotCapacityMax: 1_000,
  slotMinutes: 60,
  appointmentDaysAhead: 14,
  deliveriesListMax: 200,
  deliverySweepMs: 5_000,
  deliverySweepBatchMax: 500,
  collectionCheckAfterMs: 5 * 60_000,
  collectionCheckMaxIntervalMs: 6 * 3_600_000,
  collectionReconcileMs: 30_000,
  collectionChecksPerRound: 200,
  suspicionDeviceAccountsMin: 3,
  suspicionPaymentAccountsMin: 3,
  suspicionAddressAccountsMin: 3,
  suspicionNetworkAccountsMin: 8,
  suspicionBurstOrdersMin: 5,
  suspicionBurstWindowSeconds: 10,
  suspicionBulkAccountsMin: 5,
  suspicionBulkWindowSeconds: 600,
  suspicionBulkBeforeOpeningHours: 72,
  suspicionSignalsMax: 500_000,
  suspicionClustersMax: 200,
  flaggedCancelMax: 500,
  dropSaleCancelHours: 48,
  signalsBufferMax: 50_000,
  signalsFlushMs: 500,
  signalsFlushDeferMaxMs: 2_000,
  priceMaxFen: 1_000_000_000,
  priceHorizonDays: 366,
  priceVersionsMax: 500,
  protectionPageOrders: 1_000,
  readyHoldSeconds: 300,
  readyBalanceHours: 72,
  readySalesListMax: 100,
  booksWeeksMax: 260,
  booksDaysMax: 1_100,
  ledgerRowsMax: 100_000,
  pricebooksRoundMs: 5_000,
  pricebooksRefundsPerRound: 200,
  waitingRoomsMax: 100,
  waitingAdmitPerMinuteMax: 60_000,
  waitingActiveMax: 100_000,
  waitingPassSecondsMax: 3_600,
  waitingGraceSecondsMax: 3_600,
  waitingGraceSeconds: 300,
  waitingTicketsPerAddressMax: 50,
  waitingTicketsPerNetworkMax: 2_000,
  waitingPollIntervalMinMs: 1_000,
  waitingPollAfterSeconds: 5,
  waitingPollAfterMaxSeconds: 45,
  waitingPollWaitShare: 10,
  waitingOpeningSpreadSeconds: 20,
  waitingPollJitterPercent: 20,
  waitingLineRefreshMs: 1_000,
  waitingAdmitRoundMs: 500,
  waitingAdmitRoundMax: 1_000,
  waitingTouchesMax: 200_000,
  waitingTouchFlushMs: 5_000,
  waitingPassesListMax: 100,
  waitingTicketsListMax: 100,
  waitingDrawPageMax: 1_000,
  waitingPassClaimMs: 30_000,
  waitingPassClaimWaitMs: 5_000,
  waitingPassClaimPollMs: 10,
});

/**
 * The package's own `web/` folder, found from this file (dist/src/kernel/config.js) rather than
 * from the working directory: started from another folder, launchday served no page at all.
 */
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web', import.meta.url));

export function checkLimits(l: Limits): void {
  // Every limit is a positive whole number; the storm guard's trigger may be 0 (the guard off).
  for (const [k, v] of Object.entries(l)) {
    assert.ok(Number.isInteger(v) && (v > 0 || (k === 'stormQueueMin' && v === 0)), `${k} > 0`);
  }
  assert.ok(l.balanceReminderDays < l.balanceDeadlineDays, 'the reminder comes before the deadline');
  assert.ok(l.slotCapacity <= l.slotCapacityMax, 'the default slot capacity is within the max');
  assert.ok(8 * 60 % l.slotMinutes === 0, 'slots fill the 8 opening hours exactly');
  assert.ok(l.pendingCommandsMax >= l.batchCommandsMax, 'pending holds at least one batch');
  assert.ok(l.batchEarlyCommands <= l.batchCommandsMax, 'an early batch fits in one batch');
  assert.ok(l.batchIdleCommands <= l.batchCommandsMax, 'an idle-writer batch fits in one batch');
  assert.ok(l.importBodyBytesMax >= l.importAccountsMax * 200, 'an import of 200-byte rows fits');
  assert.ok(l.importAccountsMax <= l.pendingCommandsMax, 'an import fits in the pending queue');
  assert.ok(l.connectionsMax > l.liveViewersMax, 'room for buyers beside every live viewer');
  assert.ok(l.connectionsPerAddressMax <= l.connectionsMax,
    'one address holds no more connections than the process takes');
  // Above connectionsMax it never refuses: harmless (the environment's value is lowered to it).
  assert.ok(l.connectionsPerAddressMax <= l.connectionsPerNetworkMax,
    'a /48 holds at least what one of its /64s may');
  assert.ok(l.dropVariantsListedMax >= l.dropVariantsMax,
    'a list a drop may hold is read, and refused by the drop\'s own rule past it');
  assert.ok(l.waitingPollIntervalMinMs <= l.waitingPollAfterSeconds * 1000,
    'a waiting client polling when told to is never refused for polling too fast');
  assert.ok(l.waitingGraceSeconds >= 6 * l.waitingPollAfterSeconds,
    'a place outlives several missed polls');
  // A room's cap on the interval is a sixth of its grace or pass (30 s at the least a room may
  // set): the least interval must fit under it.
  assert.ok(6 * l.waitingPollAfterSeconds <= 30,
    'the least poll interval fits six times in the shortest grace or pass a room may set');
  assert.ok(l.waitingPollAfterSeconds <= l.waitingPollAfterMaxSeconds,
    'the least poll interval is within the longest');
  assert.ok(6 * l.waitingPollAfterMaxSeconds <= l.waitingGraceSecondsMax,
    'the longest poll interval fits six times in the longest grace a room may set');
  assert.ok(l.waitingPollWaitShare >= 2, 'someone polls at least twice before their turn');
  assert.ok(l.waitingOpeningSpreadSeconds <= l.waitingPollAfterMaxSeconds,
    'pre-queue polls after the opening are spread within the longest interval');
  assert.ok(l.waitingPollJitterPercent < 100, 'a jittered interval stays above zero');
  assert.ok(l.waitingPassClaimPollMs < l.waitingPassClaimWaitMs,
    'a request waiting for a pass\'s claim asks again before it gives up');
  assert.ok(l.waitingPassClaimMs >= l.queueDelayMaxMs + 10_000,
    'a pass\'s claim outlasts the commit queue\'s bound plus the slowest (10 s) payment');
  assert.ok(l.waitingTouchFlushMs * 6 <= 30_000,
    'a poll\'s time is written well within the shortest grace a room may set');
  assert.ok(l.connectionUnreadBytesMax >= l.requestHeadBytesMax + l.bodyBytesMax,
    'a connection holds a whole request while the one before it is answered');
  assert.ok(l.requestTimeoutMs < l.keepAliveMs, 'a request begun times out before an idle one');
  // An address holds many buyers (a carrier's NAT): it may do at least what one buyer may.
  assert.ok(l.codeRequestsPerAddressMax >= l.codeRequestsPerPhoneMax, 'address >= phone');
  assert.ok(l.signInsPerAddressMax >= l.codeAttemptsMax, 'address sign-ins >= one phone\'s');
  assert.ok(l.registrationsPerAddressMax >= l.registrationsPerKeyMax, 'address >= one key');
  assert.ok(l.buyerWritesPerAddressMax >= l.buyerWritesPerAccountMax, 'address >= account');
  assert.ok(l.waitingTicketsPerNetworkMax >= l.waitingTicketsPerAddressMax,
    'a network holds at least the places one of its addresses may');
  // Whoever checks a draw of 100,000 (the size the benchmarks measure) reads it in one window.
  assert.ok(l.drawReadsPerAddressMax * l.waitingDrawPageMax >= 100_000,
    'one address reads a 100,000-ticket draw in a window');
  // The scalper's third order must meet per_account_limit_reached, not a rate limit.
  assert.ok(l.buyerWritesPerAccountMax >= 10, 'a buyer can order, retry, lock and cancel');
  assert.ok(l.refundUnsettledAlertMs >= l.refundConfirmAfterMs,
    'a refund is asked about before operators are told it has not settled');
  assert.ok(l.collectionCheckAfterMs <= l.collectionCheckMaxIntervalMs,
    'a pending part is first asked about within the longest wait between questions');
  assert.ok(l.chargeSweepGraceMs >= 2 * l.queueDelayMaxMs,
    'a charge is never voided while its order may still be waiting for its commit');
  assert.ok(l.sessionIdleSeconds <= l.sessionAbsoluteSeconds, 'idle timeout within the absolute');
  assert.ok(l.sessionTouchSeconds < l.sessionIdleSeconds, 'a session in use is touched in time');
  assert.ok(l.signalsFlushDeferMaxMs >= l.signalsFlushMs,
    'signals wait for an idle writer at least one flush round');
  assert.ok(l.sessionRecheckSeconds < l.sessionIdleSeconds, 'revocations reach caches in time');
  assert.ok(2 * l.sessionRevocationPollMs < l.sessionIdleSeconds * 1000,
    'sign-outs reach caches in time');
  assert.ok(l.codeTtlSeconds < l.sessionIdleSeconds, 'a code lives shorter than a session');
  assert.ok(l.smsConcurrencyMax <= l.smsQueueMax, 'the SMS queue holds the sends under way');
  // A send outlasting its lease would let a second worker send it too (the provider's
  // deduplication would still make them one, but the lease is meant to make that rare).
  assert.ok(l.notificationLeaseMs >= 3 * l.smsTimeoutMs, 'a send ends well within its lease');
  assert.ok(l.notificationBackoffBaseMs <= l.notificationBackoffMaxMs, 'backoff base <= max');
  assert.ok(l.notificationSendsInFlightMax <= l.notificationClaimBatchMax,
    'a round claims at least what it sends at once');
}

export class ConfigError extends Error {}

/**
 * The whole number setting `name` (decimal digits, an optional minus: `0x3000`, `1e5` and
 * ` 12000 ` were taken by Number()), `fallback` when unset; `why` is said after the range in
 * the ConfigError of a value outside it (what the bound follows from).
 */
function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number,
  max: number, why = ''): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = /^-?[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}${why}, not `
      + `"${raw}"`);
  }
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[],
  fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, not "${raw}"`);
  }
  return raw as T;
}

function limitsFrom(env: NodeJS.ProcessEnv): Limits {
  const pendingCommandsMax = int(env, 'LAUNCHDAY_PENDING_COMMANDS_MAX',
    defaultLimits.pendingCommandsMax, 1, 10_000_000);
  const batchCommandsMax = Math.min(pendingCommandsMax, int(env, 'LAUNCHDAY_BATCH_COMMANDS_MAX',
    defaultLimits.batchCommandsMax, 1, 100_000));
  // Fewer, never more, than the default: past it viewers read the cacheable snapshot.
  const liveViewersMax = int(env, 'LAUNCHDAY_LIVE_VIEWERS_MAX', defaultLimits.liveViewersMax, 1,
    defaultLimits.liveViewersMax);
  // Room for one buyer beside every live viewer this process takes, not beside the default's.
  const connectionsMax = int(env, 'LAUNCHDAY_CONNECTIONS_MAX', defaultLimits.connectionsMax,
    liveViewersMax + 1, 1_000_000, ` (more than LAUNCHDAY_LIVE_VIEWERS_MAX, ${liveViewersMax}: `
      + 'lower it too for a smaller cap)');
  const connectionsPerAddressMax = Math.min(connectionsMax, int(env,
    'LAUNCHDAY_CONNECTIONS_PER_ADDRESS_MAX', defaultLimits.connectionsPerAddressMax, 1,
    1_000_000));
  const queueDelayMaxMs = int(env, 'LAUNCHDAY_QUEUE_DELAY_MAX_MS', defaultLimits.queueDelayMaxMs,
    1, 60_000);
  return {
    ...defaultLimits,
    pendingCommandsMax,
    queueDelayMaxMs,
    // A pass's claim outlasts the commit queue's bound as set, plus the slowest payment.
    waitingPassClaimMs: Math.max(defaultLimits.waitingPassClaimMs, queueDelayMaxMs + 20_000),
    batchCommandsMax,
    batchEarlyCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_EARLY_COMMANDS',
      defaultLimits.batchEarlyCommands, 1, 100_000)),
    batchIdleCommands: Math.min(batchCommandsMax, int(env, 'LAUNCHDAY_BATCH_IDLE_COMMANDS',
      defaultLimits.batchIdleCommands, 1, 100_000)),
    batchesInFlightMax: int(env, 'LAUNCHDAY_BATCHES_IN_FLIGHT_MAX',
      defaultLimits.batchesInFlightMax, 1, 64),
    connectionsMax,
    // Clamped, as a batch is to the queue: a benchmark asking for "all of them" from one
    // address gets every connection the process takes.
    connectionsPerAddressMax,
    // Raised to the per-address cap (a benchmark from one address lifts that), within the total.
    connectionsPerNetworkMax: Math.max(connectionsPerAddressMax, Math.min(connectionsMax,
      int(env, 'LAUNCHDAY_CONNECTIONS_PER_NETWORK_MAX', defaultLimits.connectionsPerNetworkMax,
        1, 1_000_000))),
    listenBacklog: int(env, 'LAUNCHDAY_LISTEN_BACKLOG', defaultLimits.listenBacklog, 1, 65_535),
    acceptHandles: int(env, 'LAUNCHDAY_ACCEPT_HANDLES', defaultLimits.acceptHandles, 1, 64),
    stormQueueMin: int(env, 'LAUNCHDAY_STORM_QUEUE_MIN', defaultLimits.stormQueueMin, 0,
      65_535),
    stormProbeMs: int(env, 'LAUNCHDAY_STORM_PROBE_MS', defaultLimits.stormProbeMs, 1, 10_000),
    stormReleasePerTurn: int(env, 'LAUNCHDAY_STORM_RELEASE_PER_TURN',
      defaultLimits.stormReleasePerTurn, 1, 100_000),
    stormWindowMs: int(env, 'LAUNCHDAY_STORM_WINDOW_MS', defaultLimits.stormWindowMs, 1, 10_000),
    liveViewersMax,
    refundConfirmAfterMs: 1000 * int(env, 'LAUNCHDAY_REFUND_CONFIRM_AFTER_SECONDS',
      defaultLimits.refundConfirmAfterMs / 1000, 1, 7 * 24 * 3600),
    refundUnsettledAlertMs: 1000 * int(env, 'LAUNCHDAY_REFUND_UNSETTLED_ALERT_SECONDS',
      defaultLimits.refundUnsettledAlertMs / 1000, 1, 30 * 24 * 3600),
    sessionAbsoluteSeconds: int(env, 'LAUNCHDAY_SESSION_ABSOLUTE_SECONDS',
      defaultLimits.sessionAbsoluteSeconds, 60, 365 * 24 * 3600),
    sessionIdleSeconds: int(env, 'LAUNCHDAY_SESSION_IDLE_SECONDS',
      defaultLimits.sessionIdleSeconds, 60, 365 * 24 * 3600),
    sessionRecheckSeconds: int(env, 'LAUNCHDAY_SESSION_RECHECK_SECONDS',
      defaultLimits.sessionRecheckSeconds, 1, 3600),
    sessionRevocationPollMs: int(env, 'LAUNCHDAY_SESSION_REVOCATION_POLL_MS',
      defaultLimits.sessionRevocationPollMs, 100, 60_000),
    // An import is queued whole, so it can never be larger than the queue.
    importAccountsMax: Math.min(defaultLimits.importAccountsMax, pendingCommandsMax),
    codeRequestsPerAddressMax: int(env, 'LAUNCHDAY_CODE_REQUESTS_PER_ADDRESS_MAX',
      defaultLimits.codeRequestsPerAddressMax, 5, 1_000_000),
    signInsPerAddressMax: int(env, 'LAUNCHDAY_SIGN_INS_PER_ADDRESS_MAX',
      defaultLimits.signInsPerAddressMax, 5, 1_000_000),
    registrationsPerAddressMax: int(env, 'LAUNCHDAY_REGISTRATIONS_PER_ADDRESS_MAX',
      defaultLimits.registrationsPerAddressMax, 10, 1_000_000),
    buyerWritesPerAccountMax: int(env, 'LAUNCHDAY_BUYER_WRITES_PER_ACCOUNT_MAX',
      defaultLimits.buyerWritesPerAccountMax, 10, 1_000_000),
    buyerWritesPerAddressMax: int(env, 'LAUNCHDAY_BUYER_WRITES_PER_ADDRESS_MAX',
      defaultLimits.buyerWritesPerAddressMax, 120, 100_000_000),
    drawReadsPerAddressMax: int(env, 'LAUNCHDAY_DRAW_READS_PER_ADDRESS_MAX',
      defaultLimits.drawReadsPerAddressMax, 100, 1_000_000),
    dropHoldSeconds: int(env, 'LAUNCHDAY_DROP_HOLD_SECONDS', defaultLimits.dropHoldSeconds, 10,
      3600),
    dropOfferSeconds: int(env, 'LAUNCHDAY_DROP_OFFER_SECONDS', defaultLimits.dropOfferSeconds,
      10, 24 * 3600),
    dropSaleCancelHours: int(env, 'LAUNCHDAY_DROP_SALE_CANCEL_HOURS',
      defaultLimits.dropSaleCancelHours, 0, 24 * 90),
    dropWaitlistMax: int(env, 'LAUNCHDAY_DROP_WAITLIST_MAX', defaultLimits.dropWaitlistMax, 1,
      10_000_000),
    replanIntervalMs: int(env, 'LAUNCHDAY_REPLAN_INTERVAL_MS', defaultLimits.replanIntervalMs,
      1_000, 7 * 24 * 3_600_000),
    replanSliceOrders: int(env, 'LAUNCHDAY_REPLAN_SLICE_ORDERS',
      defaultLimits.replanSliceOrders, 1, 1_000_000),
    balanceDeadlineDays: int(env, 'LAUNCHDAY_BALANCE_DEADLINE_DAYS',
      defaultLimits.balanceDeadlineDays, 8, 365),
    balanceReminderDays: int(env, 'LAUNCHDAY_BALANCE_REMINDER_DAYS',
      defaultLimits.balanceReminderDays, 1, 7),
    balanceGraceDays: int(env, 'LAUNCHDAY_BALANCE_GRACE_DAYS', defaultLimits.balanceGraceDays,
      1, 365),
    collectionCheckAfterMs: 1000 * int(env, 'LAUNCHDAY_COLLECTION_CHECK_AFTER_SECONDS',
      defaultLimits.collectionCheckAfterMs / 1000, 1,
      defaultLimits.collectionCheckMaxIntervalMs / 1000),
    deferralMaxDays: int(env, 'LAUNCHDAY_DEFERRAL_MAX_DAYS', defaultLimits.deferralMaxDays, 1,
      720),
    noShowMax: int(env, 'LAUNCHDAY_NO_SHOW_MAX', defaultLimits.noShowMax, 1, 10),
    slotCapacity: int(env, 'LAUNCHDAY_SLOT_CAPACITY', defaultLimits.slotCapacity, 1,
      defaultLimits.slotCapacityMax),
    suspicionDeviceAccountsMin: int(env, 'LAUNCHDAY_SUSPICION_DEVICE_ACCOUNTS_MIN',
      defaultLimits.suspicionDeviceAccountsMin, 2, 1000),
    suspicionPaymentAccountsMin: int(env, 'LAUNCHDAY_SUSPICION_PAYMENT_ACCOUNTS_MIN',
      defaultLimits.suspicionPaymentAccountsMin, 2, 1000),
    suspicionAddressAccountsMin: int(env, 'LAUNCHDAY_SUSPICION_ADDRESS_ACCOUNTS_MIN',
      defaultLimits.suspicionAddressAccountsMin, 2, 1000),
    suspicionNetworkAccountsMin: int(env, 'LAUNCHDAY_SUSPICION_NETWORK_ACCOUNTS_MIN',
      defaultLimits.suspicionNetworkAccountsMin, 2, 100_000),
    suspicionBurstOrdersMin: int(env, 'LAUNCHDAY_SUSPICION_BURST_ORDERS_MIN',
      defaultLimits.suspicionBurstOrdersMin, 2, 10_000),
    readyHoldSeconds: int(env, 'LAUNCHDAY_READY_HOLD_SECONDS', defaultLimits.readyHoldSeconds,
      30, 3600),
    readyBalanceHours: int(env, 'LAUNCHDAY_READY_BALANCE_HOURS',
      defaultLimits.readyBalanceHours, 1, 720),
    waitingGraceSeconds: int(env, 'LAUNCHDAY_WAITING_ROOM_GRACE_SECONDS',
      defaultLimits.waitingGraceSeconds, 30, defaultLimits.waitingGraceSecondsMax),
    waitingTicketsPerAddressMax: int(env, 'LAUNCHDAY_WAITING_TICKETS_PER_ADDRESS_MAX',
      defaultLimits.waitingTicketsPerAddressMax, 1, 1_000_000),
    waitingTicketsPerNetworkMax: int(env, 'LAUNCHDAY_WAITING_TICKETS_PER_NETWORK_MAX',
      defaultLimits.waitingTicketsPerNetworkMax, 1, 10_000_000),
  };
}

/** LAUNCHDAY_SMS_PROVIDER (sandbox, twilio) and the chosen provider's credentials. */
function smsFrom(env: NodeJS.ProcessEnv): SmsConfig {
  const provider = oneOf(env, 'LAUNCHDAY_SMS_PROVIDER', ['sandbox', 'twilio'] as const, 'sandbox');
  if (provider === 'sandbox') return { provider };
  const need = (name: string, shape: RegExp, what: string): string => {
    const v = env[name] ?? '';
    if (!shape.test(v)) throw new ConfigError(`${name} must be ${what} with twilio`);
    return v;
  };
  const baseUrl = env.LAUNCHDAY_TWILIO_BASE_URL || 'https://api.twilio.com';
  if (!/^https?:\/\/[^/]+$/.test(baseUrl)) {
    throw new ConfigError('LAUNCHDAY_TWILIO_BASE_URL must be a scheme and host, no path');
  }
  return {
    provider,
    accountSid: need('LAUNCHDAY_TWILIO_ACCOUNT_SID', /^AC[0-9a-fA-F]{32}$/, 'an Account SID'),
    authToken: need('LAUNCHDAY_TWILIO_AUTH_TOKEN', /^\S{16,}$/, 'an auth token'),
    from: need('LAUNCHDAY_TWILIO_FROM', /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/,
      'an E.164 number or a Messaging Service SID'),
    baseUrl,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.LAUNCHDAY_DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('LAUNCHDAY_DATABASE_URL must be a postgres:// URL');
  }
  const databaseSchema = env.LAUNCHDAY_DATABASE_SCHEMA || null;
  if (databaseSchema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('LAUNCHDAY_DATABASE_SCHEMA must be a plain lower-case name');
  }
  const adminToken = env.LAUNCHDAY_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('LAUNCHDAY_ADMIN_TOKEN must be at least 16 characters');
  }
  const paymentSecret = env.LAUNCHDAY_PAYMENT_SECRET || null;
  if (paymentSecret !== null && paymentSecret.length < 16) {
    throw new ConfigError('LAUNCHDAY_PAYMENT_SECRET must be at least 16 characters');
  }
  const waitingRoomSecret = env.LAUNCHDAY_WAITING_ROOM_SECRET || null;
  if (waitingRoomSecret !== null && waitingRoomSecret.length < 16) {
    throw new ConfigError('LAUNCHDAY_WAITING_ROOM_SECRET must be at least 16 characters');
  }
  const metricsToken = env.LAUNCHDAY_METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError('LAUNCHDAY_METRICS_TOKEN must be at least 16 characters');
  }
  const start = env.LAUNCHDAY_CLOCK_START;
  // The shared strict parser: a start without a zone would depend on the machine's TZ.
  const clockStartMs = start ? parseIsoTime(start) : null;
  if (start && clockStartMs === null) {
    throw new ConfigError(`LAUNCHDAY_CLOCK_START must be an ISO 8601 / RFC 3339 date-time with `
      + `Z or an offset (such as 2025-06-26T13:59:00Z), not "${start}"`);
  }
  const config: Config = {
    host: env.LAUNCHDAY_HOST || '127.0.0.1',
    port: int(env, 'LAUNCHDAY_PORT', 3000, 0, 65535),
    dataDir: env.LAUNCHDAY_DATA_DIR || './data',
    databaseUrl,
    databaseSchema,
    adminToken,
    paymentSecret,
    waitingRoomSecret,
    clock: oneOf(env, 'LAUNCHDAY_CLOCK', ['real', 'simulated'] as const, 'real'),
    clockStartMs,
    demoLaunch: oneOf(env, 'LAUNCHDAY_DEMO_LAUNCH', ['on', 'off'] as const, 'on') === 'on',
    demoDelaySeconds: int(env, 'LAUNCHDAY_DEMO_DELAY_SECONDS', 180, 0, 7 * 24 * 3600),
    sandboxCollectFailurePercent: int(env, 'LAUNCHDAY_SANDBOX_COLLECT_FAILURE_PERCENT', 0, 0,
      50),
    webDir: env.LAUNCHDAY_WEB_DIR || DEFAULT_WEB_DIR,
    httpLane: oneOf(env, 'LAUNCHDAY_HTTP_LANE', ['on', 'off'] as const, 'on') === 'on',
    rateLimits: oneOf(env, 'LAUNCHDAY_RATE_LIMITS', ['on', 'per-address-off', 'off'] as const,
      'on'),
    trustProxy: oneOf(env, 'LAUNCHDAY_TRUST_PROXY', ['on', 'off'] as const, 'off') === 'on',
    devShowCodes: oneOf(env, 'LAUNCHDAY_DEV_SHOW_CODES', ['on', 'off'] as const, 'off') === 'on',
    sms: smsFrom(env),
    limits: limitsFrom(env),
    logLevel: oneOf(env, 'LAUNCHDAY_LOG_LEVEL', LOG_LEVELS, 'info'),
    metricsToken,
    ...overrides,
  };
  checkLimits(config.limits);
  return Object.freeze({ ...config, limits: Object.freeze({ ...config.limits }) });
}
