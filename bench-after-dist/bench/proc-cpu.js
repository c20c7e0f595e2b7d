// CPU time a process has used, read from /proc: a figure per request that holds up on a shared
// machine better than requests per second do. Linux only; elsewhere it reads as unknown.
import { readFileSync } from 'node:fs';
/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
function ticks(statPath) {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are
    // the 14th and 15th fields of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
}
export function cpuSample(pids) {
    try {
        let total = 0;
        let main = 0;
        for (const pid of pids) {
            total += ticks(`/proc/${pid}/stat`);
            main += ticks(`/proc/${pid}/task/${pid}/stat`);
        }
        const us = 1e6 / TICKS_PER_SECOND;
        return { totalUs: total * us, mainUs: main * us };
    }
    catch {
        return null;
    }
}
/** Microseconds of CPU per request between two samples, or null when unknown. */
export function cpuPerRequest(before, after, requests) {
    if (before === null || after === null || requests <= 0)
        return null;
    return { totalUs: (after.totalUs - before.totalUs) / requests,
        mainUs: (after.mainUs - before.mainUs) / requests };
}
//# sourceMappingURL=proc-cpu.js.map