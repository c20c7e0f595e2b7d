// A map that keeps only its newest entries: setting a key makes it the newest, and once there
// are more than `max`, the oldest goes. Every operation is O(1) amortised.
//
// The obvious way, deleting `map.keys().next().value` from a plain Map, is not: V8's Map leaves
// a hole where an entry was deleted, and iteration steps over every hole from the start until
// the table is next rebuilt. Evicting that way on every payment took 40% of the event loop once
// the sandbox provider's 100,000 references were full (docs/benchmarks.md, session 6).
export class RecentMap {
    max;
    /** In the order set, newest last (a re-set key is deleted first, so it moves to the end). */
    #entries = new Map();
    /** Every set since the last rebuild, oldest first; before `#head` already evicted. */
    #keys = [];
    #seqs = [];
    #head = 0;
    #seq = 0;
    constructor(max) {
        this.max = max;
        if (!Number.isInteger(max) || max < 1) {
            throw new RangeError(`max must be a positive integer: ${max}`);
        }
    }
    get size() {
        return this.#entries.size;
    }
    get(key) {
        return this.#entries.get(key)?.value;
    }
    has(key) {
        return this.#entries.has(key);
    }
    delete(key) {
        return this.#entries.delete(key);
    }
    /** Keys from the oldest to the newest. */
    keys() {
        return this.#entries.keys();
    }
    set(key, value) {
        const seq = this.#seq++;
        this.#entries.delete(key);
        this.#entries.set(key, { value, seq });
        this.#keys.push(key);
        this.#seqs.push(seq);
        if (this.#entries.size > this.max)
            this.#evictOldest();
        // Evicted, deleted and re-set keys leave places behind: start over from the live entries
        // (at most `max`) once the list is twice that, so it stays small and each set pays O(1).
        if (this.#keys.length > 2 * this.max + 64)
            this.#rebuild();
        return this;
    }
    #evictOldest() {
        while (this.#head < this.#keys.length) {
            const key = this.#keys[this.#head];
            const seq = this.#seqs[this.#head];
            this.#head++;
            if (this.#entries.get(key)?.seq === seq) {
                this.#entries.delete(key);
                return;
            }
        }
    }
    #rebuild() {
        this.#keys = [];
        this.#seqs = [];
        this.#head = 0;
        for (const [key, e] of this.#entries) {
            this.#keys.push(key);
            this.#seqs.push(e.seq);
        }
    }
}
//# sourceMappingURL=recent-map.js.map