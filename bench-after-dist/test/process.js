// Runs launchday as a real child process, as an operator would, for crash and restart tests.
import { spawn } from 'node:child_process';
import { syntheticIdentity } from '../src/accounts/identity.js';
/** `watch`: called with everything the child has printed so far, each time it prints more. */
export async function startChild(env, watch) {
    const proc = spawn(process.execPath, ['dist/src/main.js'], {
        env: { ...process.env, LAUNCHDAY_PORT: '0', LAUNCHDAY_DEMO_LAUNCH: 'off', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => { out += String(d); });
    proc.stderr.on('data', (d) => { out += String(d); watch?.(out); });
    if (watch)
        proc.stdout.on('data', () => watch(out));
    const url = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${out}`)), 20_000);
        proc.stdout.on('data', () => {
            const m = /listening on (http:\/\/\S+)/.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(m[1]);
            }
        });
        proc.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`exited ${code}:\n${out}`));
        });
    });
    return { proc, url, output: () => out };
}
export function killHard(child) {
    return new Promise((resolve) => {
        if (child.proc.exitCode !== null)
            return resolve();
        child.proc.once('exit', () => resolve());
        child.proc.kill('SIGKILL');
    });
}
export async function api(base, method, path, opts = {}) {
    const r = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...opts.headers,
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    return { status: r.status, body: await r.json() };
}
export async function register(base, n) {
    const id = syntheticIdentity(n);
    const r = await api(base, 'POST', '/accounts', { body: { phone: id.phone, name: `Buyer ${n}`, id_number: id.idNumber } });
    if (r.status !== 201)
        throw new Error(JSON.stringify(r.body));
    return r.body.token;
}
//# sourceMappingURL=process.js.map