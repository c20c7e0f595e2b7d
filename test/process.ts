// Runs launchday as a real child process, as an operator would, for crash and restart tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { syntheticIdentity } from '../src/accounts/identity.js';

export interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** `watch`: called with everything the child has printed so far, each time it prints more. */
export async function startChild(env: Record<string, string>,
  watch?: (output: string) => void): Promise<Child> {
  const proc = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, LAUNCHDAY_PORT: '0', LAUNCHDAY_DEMO_LAUNCH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += String(d); });
  proc.stderr!.on('data', (d) => { out += String(d); watch?.(out); });
  if (watch) proc.stdout!.on('data', () => watch(out));
  const url = await new Promise<string>((resolve, reject) => {
    // A child that did not start in time is killed: left running, it kept the test file's
    // process (and so the whole suite) alive for ever on a loaded machine.
    // 60 s: on a loaded machine (load 16 on 2 cores) a start took over 20 s.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no start within 60 s:\n${out}`));
    }, 60_000);
    proc.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
  return { proc, url, output: () => out };
}

export function killHard(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGKILL');
  });
}

/**
 * One call to a child's API. `overloadedRetries`: how many times a `503 overloaded` is asked
 * again after its Retry-After, as a real client does (0 by default: most tests assert it); for
 * calls a test makes to set up or to wait, not the ones whose load answer it tests. A 503
 * overloaded changed nothing (refused before the commit), so asking again is safe.
 */
export async function api(base: string, method: string, path: string, opts: {
  token?: string; body?: unknown; headers?: Record<string, string>; overloadedRetries?: number;
} = {}): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...opts.headers,
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const body = await r.json();
    if (r.status === 503 && body?.error?.code === 'overloaded'
      && attempt < (opts.overloadedRetries ?? 0)) {
      const seconds = Number(r.headers.get('retry-after') ?? 1);
      await new Promise((done) => setTimeout(done, 1000 * (Number.isFinite(seconds) ? seconds
        : 1)));
      continue;
    }
    return { status: r.status, body };
  }
}

export async function register(base: string, n: number): Promise<string> {
  const id = syntheticIdentity(n);
  const r = await api(base, 'POST', '/accounts',
    { body: { phone: id.phone, name: `Buyer ${n}`, id_number: id.idNumber } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.token;
}
