// Placing an order on launch night, when the network is flaky and the buyer taps twice.
//
// One attempt = one idempotency key. The key is created when the buyer presses the button and is
// kept (in sessionStorage too, so a reload mid-attempt resumes it) across every retry of that
// attempt; the server then returns the same order however many of our requests got through.
import { passHeaders, settlePass } from './waiting-pass.js';
import { post, transient } from './api.js';
import { tabValue } from './tab-store.js';

const pending = tabValue('launchday.pendingOrder');
const RETRIES_MAX = 40;
const BACKOFF_MS_MIN = 1000;
const BACKOFF_MS_MAX = 15000;
const RETRY_AFTER_S_MAX = 120;

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return 'web_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function pendingAttempt() {
  return pending.read();
}
const savePending = (attempt) => pending.keep(attempt);
const clearPending = () => pending.forget();

// Waits `ms`, or less: until `signal` aborts, or (when offline) until the connection returns,
// because then a retry can succeed at once.
function pause(ms, signal, offline) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
    if (offline) window.addEventListener('online', done);
  });
}

/** Forgets the attempt kept for a reload: the buyer chose "start again". */
export function forgetAttempt() {
  clearPending();
}

let inFlight = null;

// Places the order described by `body`. Before each wait, `await onRetry({attempt, waitMs,
// untilMs, reason, offline})` lets the page say what is true (not placed yet, still trying;
// offline or busy) and count down to `untilMs` (Date.now() time). `signal` (an AbortSignal)
// stops the attempt: it resolves to {ok: false, code: 'abandoned'} and nothing more is sent.
// Resolves to the final api result. A second call while one is running returns the same
// promise: a double tap sends nothing new.
export function placeOrder(body, { onRetry = () => {}, resume = null, signal = null } = {}) {
  if (inFlight) return inFlight;
  const attempt = resume && resume.key ? resume : { key: newKey(), body };
  savePending(attempt);
  inFlight = run(attempt, onRetry, signal).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

const ABANDONED = { ok: false, status: -1, code: 'abandoned', data: null };

async function run(attempt, onRetry, signal) {
  let backoffMs = BACKOFF_MS_MIN;
  for (let i = 0; ; i++) {
    if (signal?.aborted) return { ...ABANDONED, key: attempt.key };
    // Behind a waiting room the order carries the pass it gave (waiting-pass.js).
    const result = await post('/orders', attempt.body, {
      headers: { 'Idempotency-Key': attempt.key, ...passHeaders('launch', attempt.body.launch_id) },
    });
    settlePass('launch', attempt.body.launch_id, result);
    if (!transient(result) || i >= RETRIES_MAX) {
      // A final answer (or we gave up): the attempt is over either way. Giving up keeps the
      // pending attempt so "try again" reuses the same key and cannot create a second order.
      if (!transient(result)) clearPending();
      return { ...result, key: attempt.key };
    }
    let waitMs;
    if (result.retryAfterS !== null && Number.isFinite(result.retryAfterS)) {
      waitMs = Math.min(Math.max(result.retryAfterS, 0), RETRY_AFTER_S_MAX) * 1000;
    } else {
      // Full jitter, so a crowd that timed out together does not come back together.
      waitMs = BACKOFF_MS_MIN + Math.random() * backoffMs;
      backoffMs = Math.min(backoffMs * 2, BACKOFF_MS_MAX);
    }
    const offline = result.status === 0 && navigator.onLine === false;
    await onRetry({
      attempt: i + 1,
      waitMs,
      untilMs: Date.now() + waitMs,
      reason: result.code,
      offline,
    });
    if (signal?.aborted) return { ...ABANDONED, key: attempt.key };
    await pause(waitMs, signal, offline);
  }
}
