import { startOne, stopChild } from './server-process.js';
const OUTPUT_TAIL_LINES = 20;
export class FaultServers {
    env;
    slots = [];
    stopping = false;
    /** Exits nobody asked for (a process that gave up on its database, say), with their tails. */
    unplannedExits = [];
    kills = 0;
    restarts = 0;
    constructor(env) {
        this.env = env;
    }
    /**
     * Starts `processes` API processes with `env` (LAUNCHDAY_* settings: store, token, clock). The
     * first one alone, so that it creates the schema before the others start.
     */
    static async start(env, processes) {
        const s = new FaultServers(env);
        try {
            for (let i = 0; i < processes; i++)
                s.slots.push(await s.spawn('0'));
        }
        catch (e) {
            await s.stop();
            throw e;
        }
        return s;
    }
    get urls() {
        return this.slots.map((s) => s.url);
    }
    get processes() {
        return this.slots.length;
    }
    async spawn(port, extraEnv = {}) {
        const env = {};
        for (const [k, v] of Object.entries(process.env)) {
            if (v !== undefined && !k.startsWith('LAUNCHDAY_'))
                env[k] = v;
        }
        // Every simulated buyer comes from 127.0.0.1: per-address limits off, as for the simulator.
        Object.assign(env, { LAUNCHDAY_HOST: '127.0.0.1', LAUNCHDAY_DEMO_LAUNCH: 'off',
            LAUNCHDAY_RATE_LIMITS: 'per-address-off', ...this.env, ...extraEnv, LAUNCHDAY_PORT: port });
        const { child, url, tail } = await startOne(env);
        const slot = { child, url, port: new URL(url).port, tail, killedByUs: false };
        child.on('exit', (code, signal) => {
            if (this.stopping || slot.killedByUs)
                return;
            this.unplannedExits.push(`API process ${child.pid} (${url}) exited with ` +
                `${code ?? signal}; its last lines:\n${tail.slice(-OUTPUT_TAIL_LINES).join('\n')}`);
        });
        return slot;
    }
    /** SIGKILL process `i`, and wait until it is gone. */
    async kill(i) {
        const slot = this.slots[i];
        slot.killedByUs = true;
        this.kills += 1;
        await killNow(slot.child);
    }
    /**
     * Starts process `i` again on its port (after `kill`, or after it exited by itself), with
     * `extraEnv` on top of the settings (a later simulated clock, say).
     */
    async restart(i, extraEnv = {}) {
        const old = this.slots[i];
        old.killedByUs = true;
        await killNow(old.child);
        this.slots[i] = await this.spawn(old.port, extraEnv);
        this.restarts += 1;
    }
    /** Whether process `i` is still running (it may have exited by itself). */
    alive(i) {
        const c = this.slots[i].child;
        return c.exitCode === null && c.signalCode === null;
    }
    async stop() {
        this.stopping = true;
        await Promise.all(this.slots.map((s) => stopChild(s.child)));
    }
}
function killNow(child) {
    if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve();
    return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
    });
}
//# sourceMappingURL=fault-servers.js.map