/** Merges handler maps; two capabilities naming one handler is a composition error. */
export function mergeHandlers(maps) {
    const out = {};
    for (const m of maps) {
        for (const [name, h] of Object.entries(m)) {
            if (name in out)
                throw new Error(`two capabilities offer the batch handler ${name}`);
            out[name] = h;
        }
    }
    return out;
}
/** The event loop's side: each job in the form it crosses in. */
export function encodeJobs(wires, jobs) {
    return jobs.map((j) => {
        const wire = wires[j.handler];
        return wire === undefined ? j : { handler: j.handler, payload: wire.encodeCommand(j.payload) };
    });
}
/** The writer thread's side: each job as it was submitted. */
export function decodeJobs(wires, jobs) {
    return jobs.map((j) => {
        const wire = wires[j.handler];
        return wire === undefined ? j : { handler: j.handler, payload: wire.decodeCommand(j.payload) };
    });
}
/** The writer thread's side: each outcome in the form it crosses in. */
export function encodeOutcomes(wires, jobs, outcomes) {
    return outcomes.map((o, i) => {
        const wire = wires[jobs[i].handler];
        return wire === undefined || !o.done ? o
            : { done: true, value: wire.encode(jobs[i].payload, o.value) };
    });
}
/** The event loop's side: each outcome as its handler returned it. */
export function decodeOutcomes(wires, jobs, outcomes, nowMs) {
    return outcomes.map((o, i) => {
        const wire = wires[jobs[i].handler];
        return wire === undefined || !o.done ? o
            : { done: true, value: wire.decode(jobs[i].payload, o.value, nowMs) };
    });
}
//# sourceMappingURL=batch-handlers.js.map