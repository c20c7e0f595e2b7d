/// <reference types="node" />
// What the browser tests share: a real server started as a child process on a free port with its
// own data directory, a real Chromium, and small helpers that talk to the API the way a second
// client (another buyer, the operator) would. Nothing here imitates the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ADMIN_TOKEN = 'web-test-operator-token';
export const SCREENSHOT_DIR = 'artifacts/screenshots';
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };
// On a loaded machine (load 16 on 2 cores, a CI run beside other work) a start took over 20 s.
const START_TIMEOUT_MS = 60_000;
const CHROMIUM = '/usr/bin/chromium';

export interface Server {
  url: string;
  stop(): Promise<void>;
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

/** Times `Server.api` asks again after `503 overloaded`. */
const OVERLOADED_RETRIES = 5;

export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'launchday-web-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      LAUNCHDAY_PORT: '0',
      LAUNCHDAY_HOST: '127.0.0.1',
      LAUNCHDAY_DATA_DIR: dataDir,
      LAUNCHDAY_ADMIN_TOKEN: ADMIN_TOKEN,
      // The sign-in test reads the code off the page: the explicit development setting.
      LAUNCHDAY_DEV_SHOW_CODES: 'on',
      // The stories move the clock past the cooling-off and keep the buyer signed in.
      LAUNCHDAY_SESSION_ABSOLUTE_SECONDS: String(365 * 86_400),
      LAUNCHDAY_SESSION_IDLE_SECONDS: String(365 * 86_400),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdoutTail: string[] = [];
  let stopping = false;
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  // A server that dies under a test would otherwise show up only as "connection refused".
  // 'close' comes after the output is drained, so a "SIGTERM" line the server printed is shown.
  child.on('close', (code, signal) => {
    if (!stopping) {
      console.error(
        `launchday server exited during the test: code ${code}, signal ${signal}\n` +
          `stdout: ${stdoutTail.join('\n')}\nstderr: ${stderr.slice(-2000)}`,
      );
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    // A server that did not start in time is killed, as test/process.ts does: left running
    // (it started late, on a loaded machine), it kept the test file's process, and so the
    // whole suite, alive for ever (a CI run hung in two browser test files so).
    const timer = setTimeout(() => {
      stopping = true;
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`server did not start in ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdoutTail = [...stdoutTail.slice(-20), line];
      const m = /launchday listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
  });
  return {
    url,
    async stop() {
      stopping = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    api: (method, path, body, token, headers = {}) =>
      apiAt(url, method, path, body, token, headers),
  };
}

/**
 * One call to the API of the server at `url` (`path` under /api/v1; `body` sent as JSON). As a
 * real client does, a `503 overloaded` (a commit queue past its bound on a busy CI machine,
 * where Chromium and another test file share two cores) is asked again after its Retry-After,
 * OVERLOADED_RETRIES times: the setup calls of a browser test are not what it tests. Writes
 * carry their Idempotency-Key, so asking again places nothing twice.
 */
export async function apiAt<T = any>(url: string, method: string, path: string, body?: unknown,
  token?: string, headers: Record<string, string> = {}):
  Promise<{ status: number; body: T; headers: Headers }> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (res.status === 503 && parsed?.error?.code === 'overloaded'
      && attempt < OVERLOADED_RETRIES) {
      const seconds = Number(res.headers.get('retry-after') ?? 1);
      await new Promise((r) => setTimeout(r, 1000 * (Number.isFinite(seconds) ? seconds : 1)));
      continue;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

/**
 * A server for the console's room tests: the simulated clock stopped three minutes before a
 * 14:00 UTC opening (moved by the tests' `tick`), no demo launch, and no per-address limits (every
 * buyer of the tests comes from 127.0.0.1).
 */
export const ROOM_CONSOLE_ENV: Readonly<Record<string, string>> = { LAUNCHDAY_CLOCK: 'simulated',
  LAUNCHDAY_CLOCK_START: '2025-06-26T13:57:00.000Z', LAUNCHDAY_DEMO_LAUNCH: 'off',
  LAUNCHDAY_RATE_LIMITS: 'per-address-off' };

/**
 * Starts a server and Debian's Chromium together. If either fails, the other is stopped before
 * the error is thrown: a server left running would keep the test process alive for ever.
 */
export async function startServerAndBrowser(env: Record<string, string> = {}):
  Promise<[Server, Browser]> {
  const [server, browser] = await Promise.allSettled([startServer(env), launchBrowser()]);
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') {
    return [server.value, browser.value];
  }
  if (server.status === 'fulfilled') await server.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw server.status === 'rejected' ? server.reason
    : (browser as PromiseRejectedResult).reason;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package `
      + '(apt-get install -y chromium; .ci/run does it)');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

// A phone-sized context, with the language chosen before any page script runs.
export async function phoneContext(
  browser: Browser,
  lang: 'zh' | 'en' = 'en',
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 1,
    hasTouch: true,
  });
  await context.addInitScript((l) => {
    if (!localStorage.getItem('launchday.lang')) localStorage.setItem('launchday.lang', l);
  }, lang);
  return context;
}

// Saves the page at phone and desktop sizes, then puts the viewport back.
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [
    ['phone', PHONE_VIEWPORT],
    ['desktop', DESKTOP_VIEWPORT],
  ] as const) {
    await page.setViewportSize(size);
    // Two animation frames: pages that redraw on resize (the live chart) have done so.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

// A valid identity number (Beijing region, given birth date and sequence); `wrongCheck` makes the
// check character deliberately wrong.
export function idNumber(seq: number, wrongCheck = false): string {
  const day = String(1 + (seq % 28)).padStart(2, '0');
  const sequence = String(100 + (seq % 900)).padStart(3, '0');
  const first17 = `110105199001${day}${sequence}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  const chars = '10X98765432';
  const right = chars[sum % 11]!;
  const check = wrongCheck ? chars[(sum + 1) % 11]! : right;
  return first17 + check;
}

let phoneSeq = Math.floor(Math.random() * 1e6);
export function phoneNumber(): string {
  phoneSeq += 1;
  return `139${String(phoneSeq % 1e8).padStart(8, '0')}`;
}

// A buyer made through the API, for tests where registering in the page is not the point.
export async function apiBuyer(
  server: Server,
  seq: number,
): Promise<{ token: string; phone: string }> {
  const phone = phoneNumber();
  const r = await server.api('POST', '/accounts', {
    phone,
    name: `Buyer ${seq}`,
    id_number: idNumber(seq),
  });
  if (r.status !== 201)
    throw new Error(`account not created: ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, phone };
}

// Signs a page in as `token` by the same storage the sign-in page writes.
export async function signInPage(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/account`);
  await page.evaluate((tk) => localStorage.setItem('launchday.token', tk), token);
}

/** How `signedInConsole` opens the console. */
export interface ConsoleOptions {
  /** Its language (default English). */
  lang?: 'en' | 'zh';
  /** The desktop's size (default), another, or 'phone': phoneContext's (a phone's size, touch). */
  viewport?: { width: number; height: number } | 'phone';
  /** A tab to open once signed in (`#tab-<tab>`), waited on until it is the pressed one. */
  tab?: string;
  /** Where the page's uncaught errors go, for the test to find empty. */
  pageErrors?: string[];
}

/**
 * The operator console (`/admin`) in a context of its own, signed in as an operator does it
 * (ADMIN_TOKEN typed in the token form), once the console shows its first tab (launches); then
 * on `o.tab` if given. The caller closes it (`page.context().close()`) or leaves it to the
 * browser's close.
 */
export async function signedInConsole(browser: Browser, server: Pick<Server, 'url'>,
  o: ConsoleOptions = {}): Promise<Page> {
  const lang = o.lang ?? 'en';
  let context: BrowserContext;
  if (o.viewport === 'phone') context = await phoneContext(browser, lang);
  else {
    context = await browser.newContext({ viewport: o.viewport ?? DESKTOP_VIEWPORT,
      deviceScaleFactor: 1 });
    await context.addInitScript((l) => localStorage.setItem('launchday.lang', l), lang);
  }
  const page = await context.newPage();
  const errors = o.pageErrors;
  if (errors) page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/admin`);
  await page.fill('#admin-token', ADMIN_TOKEN);
  await page.click('#use-token');
  await page.locator('#tab-launches[aria-pressed="true"]').waitFor();
  if (o.tab !== undefined) {
    await page.click(`#tab-${o.tab}`);
    await page.locator(`#tab-${o.tab}[aria-pressed="true"]`).waitFor();
  }
  return page;
}

/** The ticket id (claim `t`) a waiting room's ticket token carries, read without its secret. */
export const ticketIdOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).t as string;

// Every form control and button on the page has an accessible name (a <label>, aria-label or
// aria-labelledby, or text for buttons and links). Returns the ones that do not, described.
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'input, select, textarea, button, a[href]',
    )) {
      if ((el as HTMLInputElement).type === 'hidden') continue;
      const labels = (el as HTMLInputElement).labels;
      const named =
        (labels && labels.length > 0 && [...labels].some((l) => l.textContent!.trim() !== '')) ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        ((el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent!.trim() !== '');
      if (!named) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
}
