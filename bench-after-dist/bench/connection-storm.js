// The opening second's connection storm: `count` new connections opened evenly within
// `overMs`, each sending one GET and closing after the first byte of its reply. Measured per
// connection: the time from asking to connect to that first byte, uncorrected; a connection that
// fails or gets no reply within `timeoutMs` counts as not answered.
import net from 'node:net';
export const percentile = (sorted, p) => (sorted.length === 0 ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
export async function connectionStorm(url, path, count, overMs, timeoutMs = 15_000) {
    const { hostname, port } = new URL(url);
    const request = `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`;
    const times = [];
    let failed = 0;
    const one = () => new Promise((resolve) => {
        const started = performance.now();
        const socket = net.connect({ host: hostname, port: Number(port) });
        const timer = setTimeout(() => { failed++; socket.destroy(); resolve(); }, timeoutMs);
        socket.once('connect', () => socket.write(request));
        socket.once('data', () => {
            clearTimeout(timer);
            times.push(performance.now() - started);
            socket.destroy();
            resolve();
        });
        socket.once('error', () => { clearTimeout(timer); failed++; resolve(); });
    });
    const all = [];
    const t0 = performance.now();
    await new Promise((done) => {
        let opened = 0;
        const tick = () => {
            const due = Math.min(count, Math.ceil(((performance.now() - t0) / overMs) * count));
            while (opened < due) {
                all.push(one());
                opened++;
            }
            if (opened < count)
                setTimeout(tick, 1);
            else
                done();
        };
        tick();
    });
    await Promise.all(all);
    const sorted = times.sort((a, b) => a - b);
    return { count, answered: sorted.length, failed, ttfbMsP50: percentile(sorted, 50),
        ttfbMsP99: percentile(sorted, 99), ttfbMsMax: sorted.at(-1) ?? NaN,
        overOneSecond: sorted.filter((t) => t >= 1000).length };
}
//# sourceMappingURL=connection-storm.js.map