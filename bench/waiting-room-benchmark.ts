// The waiting-room benchmark (`npm run bench:waiting-room`): N people (100,000 by default) take
// a place in a room in front of a launch that has opened, then every one of them polls its
// place `--rounds` times over while the room admits at its rate. It prints what the server's
// memory grew by per 10,000 waiting (resident set, from /proc), its CPU per 10,000 polls and
// what 10,000 people polling every 5 s (the least interval the room suggests) cost it as a share
// of one core, beside a bare node:http server answering the same GETs (the reference, measured in
// the same run); what the N waiting cost when each polls at the interval the room suggests to
// their place (it follows the estimated wait: `pollAfterSeconds`), and what the pre-queue's polls
// just after the opening cost while they land; and it checks what the room promises: no position
// ever went up, nobody was admitted beyond the rate. Only 127.0.0.1. It never fails: it reports.
//
//   npm run bench:waiting-room [-- --waiting 100000 --connections 64 --rounds 2 --rate 600
//                                  --database-url postgres://...]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpClient, type Outcome } from '../sim/http-client.js';
import { defaultLimits } from '../src/kernel/config.js';
import {
  estimateWait, pollAfterSeconds, type PollPacing, type Room,
} from '../src/waiting-rooms/waiting-room.js';
import { startServers } from '../sim/server-process.js';
import { cpuSample, type CpuSample } from './proc-cpu.js';

const LIMITS = Object.freeze({ waitingMax: 200_000, connectionsMax: 1_000, roundsMax: 10,
  requestTimeoutMs: 120_000, retriesMax: 20 });
/** The least poll interval the room suggests (Limits.waitingPollAfterSeconds). */
const POLL_EVERY_S = defaultLimits.waitingPollAfterSeconds;
/** The room's poll pacing (the limits table's defaults, as the server runs with). */
const PACING: PollPacing = { baseSeconds: defaultLimits.waitingPollAfterSeconds,
  maxSeconds: defaultLimits.waitingPollAfterMaxSeconds,
  waitShare: defaultLimits.waitingPollWaitShare,
  openingSpreadSeconds: defaultLimits.waitingOpeningSpreadSeconds,
  jitterPercent: defaultLimits.waitingPollJitterPercent };
/** Points in [0, 1) the jitter's randomness is averaged over. */
const JITTER_POINTS = 20;
/** Grace (s) of the benchmark's room; its pass is the default 600 s. */
const GRACE_S = 3_600;
const PASS_S = 600;

/**
 * Polls a second from a line of `waiting` when each polls at the interval the room suggests to
 * their place (positions 1..waiting, the rate `rate` a minute), the jitter averaged over
 * uniform points; and the mean interval (s).
 */
function pacedPollsPerSecond(waiting: number, rate: number):
  { perSecond: number; meanIntervalS: number } {
  const room: Room = { roomId: 'bench', scope: 'launch', targetId: 'bench', enabled: true,
    suspended: false, opensAtMs: 0, prequeueAtMs: 0, order: 'fifo', admitPerMinute: rate,
    activeMax: 100_000, passSeconds: PASS_S, graceSeconds: GRACE_S, adaptive: false,
    waitingStatus: 200, seed: '', seedCommitment: '', shuffledAtMs: 0, tokens: 0,
    filledAtMs: null, admittedTotal: 0, createdAtMs: 0, updatedAtMs: 0, drawScheme: 2 };
  let perSecond = 0;
  let sumInterval = 0;
  for (let position = 1; position <= waiting; position++) {
    const estimate = estimateWait(room, position - 1, { nowMs: 1, active: 0,
      roundMs: defaultLimits.waitingAdmitRoundMs });
    for (let j = 0; j < JITTER_POINTS; j++) {
      const s = pollAfterSeconds(room, 'waiting', estimate, 1, PACING, (j + 0.5) / JITTER_POINTS);
      perSecond += 1 / s / JITTER_POINTS;
      sumInterval += s / JITTER_POINTS;
    }
  }
  return { perSecond, meanIntervalS: sumInterval / waiting };
}

/** Resident memory of the processes (bytes), from /proc; null elsewhere. */
function rssBytes(pids: readonly number[]): number | null {
  try {
    return pids.reduce((a, pid) => a + Number(/VmRSS:\s+(\d+) kB/
      .exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024, 0);
  } catch {
    return null;
  }
}

const cpuMs = (a: CpuSample | null, b: CpuSample | null): number | null =>
  (a && b ? (b.totalUs - a.totalUs) / 1000 : null);

/** Runs `count` requests, `connections` at a time; a refusal for load or pace is asked again. */
async function closedLoop(client: HttpClient, connections: number, count: number,
  ask: (i: number) => { method: string; path: string; headers?: Record<string, string> },
  onReply: (i: number, o: Outcome) => void): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const a = ask(i);
      for (let attempt = 0; ; attempt++) {
        const o = await client.request(a.method, a.path, { headers: a.headers,
          timeoutMs: LIMITS.requestTimeoutMs });
        const again = o.kind === 'reply' && (o.status === 503 || o.status === 429)
          && o.body?.error !== undefined && attempt < LIMITS.retriesMax;
        if (!again) {
          onReply(i, o);
          break;
        }
        await new Promise((r) => setTimeout(r, 1000 * Number(o.headers['retry-after'] ?? 1)));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return performance.now() - t0;
}

async function bareReference(count: number, connections: number):
  Promise<{ cpuMsPer10k: number | null; elapsedMs: number }> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'bare-get-server.js');
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { ...process.env, BARE_BODY_BYTES: '560' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        const m = /listening on (\S+)/.exec(c);
        if (m !== null) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error('bare server exited')));
    });
    const client = new HttpClient([url], connections);
    const before = cpuSample([child.pid!]);
    const elapsedMs = await closedLoop(client, connections, count, () => ({ method: 'GET',
      path: '/waiting-rooms/bench/place', headers: { 'x-waiting-room-ticket': 'x'.repeat(160) } }),
    () => {});
    const used = cpuMs(before, cpuSample([child.pid!]));
    client.close();
    return { cpuMsPer10k: used === null ? null : (used * 10_000) / count, elapsedMs };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { waiting: { type: 'string' },
    connections: { type: 'string' }, rounds: { type: 'string' }, rate: { type: 'string' },
    'database-url': { type: 'string' } } });
  const waiting = Number(values.waiting ?? 100_000);
  const connections = Number(values.connections ?? 64);
  const rounds = Number(values.rounds ?? 2);
  const rate = Number(values.rate ?? 600);
  const databaseUrl = values['database-url'] ?? null;
  if (!Number.isInteger(waiting) || waiting < 1_000 || waiting > LIMITS.waitingMax
    || !Number.isInteger(connections) || connections < 1 || connections > LIMITS.connectionsMax
    || !Number.isInteger(rounds) || rounds < 1 || rounds > LIMITS.roundsMax
    || !Number.isInteger(rate) || rate < 1 || rate > 60_000) {
    console.log(`--waiting 1000..${LIMITS.waitingMax}, --connections 1..${
      LIMITS.connectionsMax}, --rounds 1..${LIMITS.roundsMax}, --rate 1..60000 (whole numbers)`);
    return;
  }
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${
    (os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os.loadavg().map((l) =>
    l.toFixed(1)).join(' ')} (a shared machine: the client runs on it too), node ${
    process.version}`);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

  const adminToken = `bench-${randomBytes(16).toString('hex')}`;
  const servers = await startServers({ processes: databaseUrl ? 2 : 1, databaseUrl, adminToken,
    keepData: false, extraEnv: { LAUNCHDAY_RATE_LIMITS: 'off', LAUNCHDAY_DEMO_LAUNCH: 'off' } });
  const client = new HttpClient(servers.urls, connections);
  try {
    const nowMs = Date.now();
    // A room whose opening has just passed: every place is a late arrival's, first in, first out
    // (in arrival order: a shuffled room stands before its opening, so that its commitment can be
    // noted before the draw).
    // It opens when its launch does: the launch's opening first.
    const moved = await client.request('PATCH', '/admin/launches/yu7-2025', { token: adminToken,
      timeoutMs: 30_000, body: { opens_at: new Date(nowMs - 1_000).toISOString() } });
    if (moved.kind !== 'reply' || moved.status !== 200) throw new Error('the launch did not move');
    const put = await client.request('PUT', '/admin/waiting-rooms/bench', { token: adminToken,
      timeoutMs: 30_000, body: { scope: 'launch', target_id: 'yu7-2025', enabled: true,
        order: 'fifo', opens_at: new Date(nowMs - 1_000).toISOString(),
        prequeue_at: new Date(nowMs - 400_000).toISOString(), admit_per_minute: rate,
        active_max: 100_000, grace_seconds: GRACE_S, pass_seconds: PASS_S } });
    if (put.kind !== 'reply' || put.status !== 201) {
      throw new Error(`the room was not created: ${JSON.stringify(put.kind === 'reply'
        ? put.body : put)}`);
    }
    // Admissions run from the opening: the rate is checked against the time since the room.
    const startedAdmittingMs = performance.now() - (Date.now() - (nowMs - 1_000));
    await new Promise((r) => setTimeout(r, 1500));
    const idleRss = rssBytes(servers.pids);
    const tickets: string[] = new Array(waiting);
    const last = new Int32Array(waiting).fill(2 ** 31 - 1);
    let joinFailures = 0;
    const joinMs = await closedLoop(client, connections, waiting, () => ({ method: 'POST',
      path: '/waiting-rooms/bench/tickets' }), (i, o) => {
      if (o.kind === 'reply' && o.status === 201) {
        tickets[i] = o.body.ticket;
        if (o.body.position !== null) last[i] = o.body.position;
      } else joinFailures++;
    });
    console.log(`joined: ${fmt(waiting - joinFailures)} places in ${
      (joinMs / 1000).toFixed(1)} s (${
      fmt(waiting / (joinMs / 1000))}/s)${joinFailures ? `, ${joinFailures} failed` : ''}`);

    let polls = 0;
    let up = 0;
    let admitted = 0;
    let failures = 0;
    const cpu0 = cpuSample(servers.pids);
    let pollMs = 0;
    let waitingRss: number | null = null;
    for (let round = 0; round < rounds; round++) {
      pollMs += await closedLoop(client, connections, waiting, (i) => ({ method: 'GET',
        path: '/waiting-rooms/bench/place',
        headers: { 'x-waiting-room-ticket': tickets[i] ?? 'none' } }), (i, o) => {
        polls++;
        if (o.kind !== 'reply' || !o.body?.ticket) { failures++; return; }
        tickets[i] = o.body.ticket;
        if (o.body.phase === 'admitted') { admitted += last[i] === 0 ? 0 : 1; last[i] = 0; return; }
        // Being counted (not yet in the server's copy of the line): no position to compare.
        if (o.body.position === null) return;
        if (o.body.position > last[i]!) up++;
        last[i] = o.body.position;
      });
      if (round === 0) waitingRss = rssBytes(servers.pids);
    }
    const used = cpuMs(cpu0, cpuSample(servers.pids));
    const elapsedS = (performance.now() - startedAdmittingMs) / 1000;
    const overview = await client.request('GET', '/admin/waiting-rooms/bench',
      { token: adminToken, timeoutMs: 30_000 });
    const totalAdmitted = overview.kind === 'reply' ? overview.body.admitted as number : -1;
    const allowed = (rate * elapsedS) / 60 + Math.max(1, rate / 60);

    console.log(`polled: ${fmt(polls)} polls in ${rounds} rounds, ${
      (pollMs / 1000).toFixed(1)} s (${
      fmt(polls / (pollMs / 1000))}/s), ${failures} without a place`);
    const memPer10k = idleRss !== null && waitingRss !== null
      ? ((waitingRss - idleRss) / (waiting / 10_000)) / 2 ** 20 : null;
    console.log(`server memory: ${idleRss === null ? '?' : (idleRss / 2 ** 20).toFixed(0)} MiB ` +
      `idle, ${waitingRss === null ? '?' : (waitingRss / 2 ** 20).toFixed(0)} MiB with ${
        fmt(waiting)} waiting: ${memPer10k === null ? '?' : memPer10k.toFixed(1)} MiB per ` +
      `10,000 waiting (resident set; the line's copy itself is 8 bytes a place: ${
        ((8 * 10_000) / 1024).toFixed(0)} KiB per 10,000)`);
    const cpuPer10k = used === null ? null : (used * 10_000) / polls;
    const bare = await bareReference(Math.min(polls, 100_000), connections);
    console.log(`server CPU per 10,000 polls: ${cpuPer10k === null ? '?' : cpuPer10k.toFixed(0)} ` +
      `ms (bare node:http, same GETs: ${bare.cpuMsPer10k === null ? '?'
        : bare.cpuMsPer10k.toFixed(0)} ms; ratio ${cpuPer10k && bare.cpuMsPer10k
        ? (cpuPer10k / bare.cpuMsPer10k).toFixed(2) : '?'})`);
    if (cpuPer10k !== null) {
      console.log(`10,000 waiting polling every ${POLL_EVERY_S} s cost the server ${
        ((cpuPer10k / POLL_EVERY_S) / 10).toFixed(1)}% of one core; ${fmt(waiting)} waiting: ${
        ((cpuPer10k / POLL_EVERY_S) / 10 * (waiting / 10_000)).toFixed(0)}%`);
      // What the suggested intervals make of it: polls a second over the whole line, times the
      // CPU a poll cost here (ms per 10,000 polls / 10,000 ms a second = share of one core).
      const paced = pacedPollsPerSecond(waiting, rate);
      const share = (pollsPerS: number) => ((pollsPerS * cpuPer10k) / 10_000 / 1000) * 100;
      console.log(`${fmt(waiting)} waiting polling at the interval the room suggests to their ` +
        `place (${rate}/min; ${PACING.baseSeconds} to ${PACING.maxSeconds} s, a ${
          PACING.waitShare}th of the wait, jittered): ${fmt(paced.perSecond)} polls/s (every ${
          POLL_EVERY_S} s: ${fmt(waiting / POLL_EVERY_S)}), mean interval ${
          paced.meanIntervalS.toFixed(1)} s: ${share(paced.perSecond).toFixed(0)}% of one core ` +
        `(every ${POLL_EVERY_S} s: ${share(waiting / POLL_EVERY_S).toFixed(0)}%)`);
      const spread = PACING.openingSpreadSeconds;
      console.log(`a pre-queue of ${fmt(waiting)} aimed past the opening lands over ${spread} ` +
        `s: ${fmt(waiting / spread)} polls/s, ${share(waiting / spread).toFixed(0)}% of one ` +
        `core for those ${spread} s (then as above)`);
    }
    console.log(`positions: ${up === 0 ? 'never went up' : `WENT UP ${up} times`}; admitted ${
      fmt(totalAdmitted)} in ${elapsedS.toFixed(1)} s at ${rate}/min (at most ${fmt(allowed)} ` +
      `allowed: ${totalAdmitted <= allowed ? 'within the rate' : 'BEYOND THE RATE'}), ${
        fmt(admitted)} of them seen by their polls`);
  } finally {
    client.close();
    await servers.stop();
  }
}

await main();
