// The one way pages talk to the server: JSON in and out, the buyer's token, the server's clock,
// and failures returned as values ({ok: false, code}) because a refusal is a normal outcome.

const BASE = '/api/v1';
const TOKEN_KEY = 'launchday.token';
const REQUEST_TIMEOUT_MS = 15000;

// Server time minus phone time, from the X-Server-Time header of every reply. Countdowns use
// serverNow(), so a phone whose clock is a minute fast still sees the button at the right second.
let offsetMs = 0;
let offsetKnown = false;

export function serverNow() {
  return Date.now() + offsetMs;
}
export function serverClockKnown() {
  return offsetKnown;
}

function noteServerTime(res, sentAtMs) {
  const header = res.headers.get('X-Server-Time');
  const serverMs = header ? Date.parse(header) : NaN;
  if (Number.isNaN(serverMs)) return;
  // The header was stamped somewhere between sending and receiving; assume the middle.
  offsetMs = serverMs - (sentAtMs + Date.now()) / 2;
  offsetKnown = true;
  showOffset();
}

// The offset in use, on <html data-server-offset-ms>: what a person debugging a countdown (and
// the browser tests, which move the page's clock by hand) needs to know.
function showOffset() {
  document.documentElement.dataset.serverOffsetMs = String(Math.round(offsetMs));
}

// A page that just read `server_time` from a body can use it before any header arrives.
export function noteServerTimeIso(iso) {
  const ms = Date.parse(iso);
  if (!offsetKnown && !Number.isNaN(ms)) {
    offsetMs = ms - Date.now();
    offsetKnown = true;
    showOffset();
  }
}

export function token() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
export function setToken(value) {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

const DEVICE_KEY = 'launchday.device';

// One random id per browser, kept in localStorage and sent with every request as X-Device-Id:
// the operators' suspicious-pattern report sees many accounts behind one device. It names the
// browser, not the person, and the server keeps only its hash (docs/api.md, "Anti-scalping").
export function deviceId() {
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = `dev-${crypto.randomUUID()}`;
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return null;
  }
}

// Returns {ok, status, data, code, message, retryAfterS, headers}. Network failures and
// timeouts come back as {ok: false, status: 0, code: 'network_error' | 'timeout'}.
export async function request(method, path, { body, headers = {}, auth, timeoutMs } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const device = deviceId();
  if (device) h['X-Device-Id'] = device;
  const bearer = auth === undefined ? token() : auth;
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs ?? REQUEST_TIMEOUT_MS);
  const sentAt = Date.now();
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers: h,
      signal: ctrl.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    clearTimeout(timer);
    const code = ctrl.signal.aborted ? 'timeout' : 'network_error';
    return { ok: false, status: 0, code, message: String(err), data: null };
  }
  noteServerTime(res, sentAt);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  clearTimeout(timer);
  const retryHeader = res.headers.get('Retry-After');
  const retryAfterS = retryHeader === null ? null : Number(retryHeader);
  if (res.ok) return { ok: true, status: res.status, data, headers: res.headers, retryAfterS };
  const err = data && data.error ? data.error : {};
  return {
    ok: false,
    status: res.status,
    data,
    headers: res.headers,
    retryAfterS,
    code: err.code || (res.status >= 500 ? 'server_error' : 'unknown_error'),
    message: err.message || res.statusText,
  };
}

const GET_TRIES_MAX = 6;
const GET_WAIT_S_MAX = 30;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reads change nothing, so a busy or unreachable server is simply asked again (honouring
// Retry-After, else backing off with jitter) before the page is told it failed.
export async function get(path, opts) {
  let backoffMs = 1000;
  for (let i = 1; ; i++) {
    const result = await request('GET', path, opts);
    if (result.ok || !transient(result) || i >= GET_TRIES_MAX) return result;
    const waitMs =
      result.retryAfterS !== null && Number.isFinite(result.retryAfterS)
        ? Math.min(Math.max(result.retryAfterS, 0), GET_WAIT_S_MAX) * 1000
        : backoffMs / 2 + Math.random() * backoffMs;
    backoffMs = Math.min(backoffMs * 2, 16000);
    await sleep(waitMs);
  }
}
export const post = (path, body, opts) => request('POST', path, { ...opts, body: body ?? {} });
export const patch = (path, body, opts) => request('PATCH', path, { ...opts, body });

// Which failures a retry of the same request can change: no answer, an overloaded or failing
// server (the server marks internal_error retryable and nothing was changed), and sales that
// open within the second (our estimate of the server's clock can be a few hundred ms early).
export function transient(result) {
  return (
    result.status === 0 ||
    result.status === 429 ||
    result.status >= 500 ||
    result.code === 'sales_not_open'
  );
}
