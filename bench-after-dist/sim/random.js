// A small seeded generator (mulberry32), so that one seed always yields the same workload. It is
// not cryptographic and does not need to be: it only has to be fast, even and repeatable.
/** Hashes a label into 32 bits (FNV-1a), to derive independent streams from one seed. */
export function hash32(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
export class Random {
    state;
    constructor(seed) {
        this.state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
    }
    /** A new generator whose sequence depends only on this one's seed and the label. */
    static stream(seed, label) {
        return new Random(hash32(`${seed}/${label}`));
    }
    /** Uniform in [0, 1). */
    next() {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    /** Uniform integer in [0, n). */
    int(n) {
        return Math.floor(this.next() * n);
    }
    chance(p) {
        return this.next() < p;
    }
    pick(items) {
        const item = items[this.int(items.length)];
        if (item === undefined)
            throw new Error('pick from an empty list');
        return item;
    }
    /** Picks by weight; weights need not sum to one. */
    weighted(items, weights) {
        let total = 0;
        for (const w of weights)
            total += w;
        let x = this.next() * total;
        for (let i = 0; i < items.length; i++) {
            x -= weights[i] ?? 0;
            if (x < 0)
                return items[i];
        }
        return items[items.length - 1];
    }
    /** Exponentially distributed with the given mean. */
    exponential(mean) {
        return -mean * Math.log(1 - this.next());
    }
}
//# sourceMappingURL=random.js.map