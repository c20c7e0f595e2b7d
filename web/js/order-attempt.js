// Placing an order on launch night, when the network is flaky and the buyer taps twice.
//
// One attempt = one idempotency key. The key is created when the buyer presses the button and is
// kept (in sessionStorage too, so a reload mid-attempt resumes it) across every retry of that
// attempt; the server then returns the same order however many of our requests got through.
import { post, transient } from './api.js';

const PENDING_KEY = 'launchday.pendingOrder';
const RETRIES_MAX = 40;
const BACKOFF_MS_MIN = 1000;
const BACKOFF_MS_MAX = 15000;
const RETRY_AFTER_S_MAX = 120;

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return 'web_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function pendingAttempt() {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  } catch {
    return null;
  }
}
function savePending(attempt) {
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(attempt));
  } catch {
    /* best effort */
  }
}
function clearPending() {
  try {
    sessionStorage.removeItem(PENDING_KEY);
  } catch {
    /* best effort */
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let inFlight = null;

// Places the order described by `body`. onHolding({attempt, waitS, reason}) is called before each
// wait so the page can say "we are holding your place". Resolves to the final api result.
// A second call while one is running returns the same promise: a double tap sends nothing new.
export function placeOrder(body, { onHolding = () => {}, resume = null } = {}) {
  if (inFlight) return inFlight;
  const attempt = resume && resume.key ? resume : { key: newKey(), body };
  savePending(attempt);
  inFlight = run(attempt, onHolding).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function run(attempt, onHolding) {
  let backoffMs = BACKOFF_MS_MIN;
  for (let i = 0; ; i++) {
    const result = await post('/orders', attempt.body, {
      headers: { 'Idempotency-Key': attempt.key },
    });
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
    onHolding({ attempt: i + 1, waitS: Math.ceil(waitMs / 1000), reason: result.code });
    await sleep(waitMs);
  }
}
