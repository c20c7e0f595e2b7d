// Simulated seconds after the opening, mapped onto the real clock compressed by `speed`. Waiting
// for a simulated moment costs one heap entry, not one timer, so hundreds of thousands of buyers
// can wait at once; a single timer serves the earliest.
/** Waiters woken in one turn of the event loop at most. */
const WAKE_SLICE_MAX = 2000;
export class Timeline {
    openingMs;
    speed;
    heap = [];
    timer = null;
    timerAtMs = Infinity;
    /** `openingMs` is the opening on the `performance.now()` clock. */
    constructor(openingMs, speed) {
        this.openingMs = openingMs;
        this.speed = speed;
    }
    /** Real ms (performance clock) of simulated second `t`. */
    realMs(t) {
        return this.openingMs + (t * 1000) / this.speed;
    }
    /** Simulated seconds at real ms `ms` (performance clock). */
    simSeconds(ms = performance.now()) {
        return ((ms - this.openingMs) * this.speed) / 1000;
    }
    until(t) {
        return this.untilRealMs(this.realMs(t));
    }
    untilRealMs(atMs) {
        if (atMs <= performance.now())
            return Promise.resolve();
        return new Promise((resolve) => {
            this.push({ atMs, resolve });
            this.arm();
        });
    }
    /** Real milliseconds, for pauses that the server states in real time (Retry-After). */
    sleepMs(ms) {
        return this.untilRealMs(performance.now() + ms);
    }
    get waiting() {
        return this.heap.length;
    }
    arm() {
        const head = this.heap[0];
        if (head === undefined || head.atMs >= this.timerAtMs)
            return;
        if (this.timer !== null)
            clearTimeout(this.timer);
        this.timerAtMs = head.atMs;
        this.timer = setTimeout(() => this.fire(), Math.max(0, head.atMs - performance.now()));
    }
    fire() {
        this.timer = null;
        this.timerAtMs = Infinity;
        const now = performance.now();
        // At the opening second a hundred thousand buyers fall due at once. Waking them in slices,
        // with I/O in between, keeps the replies flowing while the crowd is let in.
        for (let woken = 0; woken < WAKE_SLICE_MAX; woken++) {
            if (this.heap.length === 0 || this.heap[0].atMs > now + 0.5) {
                this.arm();
                return;
            }
            this.pop().resolve();
        }
        this.timerAtMs = now;
        this.timer = setTimeout(() => this.fire(), 0);
    }
    push(w) {
        const h = this.heap;
        h.push(w);
        let i = h.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (h[parent].atMs <= w.atMs)
                break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = w;
    }
    pop() {
        const h = this.heap;
        const top = h[0];
        const last = h.pop();
        if (h.length > 0) {
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                const at = (k) => (k === i ? last.atMs : h[k].atMs);
                if (l < h.length && h[l].atMs < at(m))
                    m = l;
                if (r < h.length && h[r].atMs < at(m))
                    m = r;
                if (m === i)
                    break;
                h[i] = h[m];
                i = m;
            }
            h[i] = last;
        }
        return top;
    }
}
/** At most `max` tasks at once; the rest wait first come, first served. */
export class Limiter {
    max;
    active = 0;
    queue = [];
    head = 0;
    constructor(max) {
        this.max = max;
    }
    get backlog() {
        return this.queue.length - this.head;
    }
    async run(task) {
        if (this.active >= this.max) {
            await new Promise((resolve) => this.queue.push(resolve));
        }
        else {
            this.active += 1;
        }
        try {
            return await task();
        }
        finally {
            const next = this.queue[this.head];
            if (next !== undefined) {
                this.head += 1;
                // Compact now and then so the queue does not grow without bound.
                if (this.head > 4096 && this.head * 2 > this.queue.length) {
                    this.queue.splice(0, this.head);
                    this.head = 0;
                }
                next();
            }
            else {
                this.active -= 1;
            }
        }
    }
}
//# sourceMappingURL=timeline.js.map