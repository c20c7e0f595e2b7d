// A gzip member built from pieces compressed once, with short texts spliced in between them per
// reply: the reads that repeat (a launch, the list, the figures) carry the reply's own time in
// their body, and compressing 7 KB per request is what preparing them once is meant to avoid.
//
// DEFLATE (RFC 1951) allows this: each piece is compressed on its own (so no back-reference
// crosses a splice) and ended with a sync flush (byte-aligned, not final); a spliced text goes in
// as a stored block; the last piece ends the stream. The gzip trailer's CRC-32 is carried on
// from the pieces' own, so a reply costs a CRC of its spliced bytes and one of each piece after.
import zlib from 'node:zlib';
const CRC_TABLE = (() => {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        t[n] = c >>> 0;
    }
    return t;
})();
/** CRC-32 (ISO-HDLC, as gzip) of `data` carried on from `crc`; zlib's own where Node has it. */
export function crc32(data, crc = 0) {
    const native = zlib.crc32;
    if (native !== undefined)
        return native(data, crc);
    let c = (crc ^ 0xffffffff) >>> 0;
    for (let i = 0; i < data.length; i++)
        c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}
/** gzip's fixed header: deflate, no name, no time, unknown OS (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** Longest text a stored block holds. */
const STORED_BYTES_MAX = 0xffff;
/** A DEFLATE stream with splices: `pieces.length - 1` places for a text each. */
export class SplicedGzip {
    /** Each piece's DEFLATE blocks; all but the last end in a sync flush. */
    #deflated;
    #pieces;
    #firstCrc;
    #fixedBytes;
    #deflatedBytes;
    constructor(pieces, level = 9) {
        this.#pieces = pieces;
        const { Z_SYNC_FLUSH, Z_FINISH } = zlib.constants;
        this.#deflated = pieces.map((p, i) => zlib.deflateRawSync(p, { level,
            finishFlush: i < pieces.length - 1 ? Z_SYNC_FLUSH : Z_FINISH }));
        this.#firstCrc = crc32(pieces[0]);
        this.#fixedBytes = pieces.reduce((n, p) => n + p.length, 0);
        this.#deflatedBytes = this.#deflated.reduce((n, p) => n + p.length, 0);
    }
    /** Compressed bytes of the pieces alone, for a caller deciding whether compression pays. */
    get deflatedBytes() {
        return this.#deflatedBytes;
    }
    /** The gzip member of the pieces with `text` in every splice (under 64 KiB). */
    with(text) {
        if (text.length > STORED_BYTES_MAX)
            throw new Error('a spliced text is under 64 KiB');
        const splices = this.#deflated.length - 1;
        const stored = Buffer.allocUnsafe(5);
        // BFINAL 0, BTYPE 00 (stored), then LEN and its complement, little-endian.
        stored[0] = 0;
        stored.writeUInt16LE(text.length, 1);
        stored.writeUInt16LE(~text.length & 0xffff, 3);
        const parts = [GZIP_HEADER, this.#deflated[0]];
        let crc = this.#firstCrc;
        for (let i = 1; i <= splices; i++) {
            parts.push(stored, text, this.#deflated[i]);
            crc = crc32(this.#pieces[i], crc32(text, crc));
        }
        const trailer = Buffer.allocUnsafe(8);
        trailer.writeUInt32LE(crc >>> 0, 0);
        trailer.writeUInt32LE((this.#fixedBytes + splices * text.length) % 2 ** 32, 4);
        parts.push(trailer);
        return Buffer.concat(parts);
    }
}
//# sourceMappingURL=gzip-splice.js.map