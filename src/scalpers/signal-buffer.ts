// The client events waiting to be written as signals, in a compact form: column by column, in
// chunks of a bounded number of rows, with the values a crowd repeats (the kind, the scope, the
// facts of a request: a ring's few devices and networks, or one campus's) kept once per chunk and
// named by their place. At a drop's opening tens of thousands of refused purchases wait here for
// half a second or more: as one object each (and a time-ordered id drawn for each) they outlived
// the young generation, and were copied field by field to the SQLite writer thread; a chunk is a
// handful of arrays, and the writer hashes each distinct fact once (signalsOfChunk), not once a
// row. docs/benchmarks.md, session 19.
import { randomBytes } from 'node:crypto';
import type { ClientEvent, ClientFacts } from '../kernel/http/client-signals.js';
import { addressKeyOf, factKeysOf, type FactKeys, type Signal, type SignalKind } from './signals.js';

/** A request's raw facts, as [deviceId, address, paymentSource]: hashed only by the writer. */
export type RawFacts = readonly [string | null, string, string | null];

/**
 * One chunk of buffered events, as it crosses to the writer thread (plain data) and as a
 * `recordSignals` command carries it: row i's values are at index i of each column; `kind`,
 * `scope`, `city`, `address` and `facts` name a place in their table.
 */
export interface SignalChunk {
  /**
   * Drawn when the chunk is first flushed (8 base64url characters, 48 random bits) and kept if
   * it is flushed again after a failure: with each row's time and index it makes the row's
   * signal id (signalIdOf), so a chunk written twice writes each signal once.
   */
  readonly idPrefix: string;
  readonly kind: number[];
  readonly kinds: SignalKind[];
  readonly accountId: string[];
  readonly accountCreatedAtMs: number[];
  readonly subjectId: Array<string | null>;
  readonly scope: number[];
  readonly scopes: Array<string | null>;
  readonly units: number[];
  readonly atMs: number[];
  readonly city: number[];
  readonly cities: Array<string | null>;
  /** The delivery address as typed (hashed by the writer). */
  readonly address: number[];
  readonly addresses: Array<string | null>;
  readonly facts: number[];
  readonly factsTable: RawFacts[];
}

/** Rows a signal id's index can name (4 base-36 digits): a chunk holds at most this many. */
export const CHUNK_ROWS_LIMIT = 36 ** 4;

/**
 * A signal's id: `sig_`, its time (ms, 9 base-36 digits: ids sort by time), its chunk's prefix,
 * its index in the chunk (4 base-36 digits), as long as newTimeOrderedId's.
 */
export const signalIdOf = (prefix: string, atMs: number, index: number): string =>
  `sig_${atMs.toString(36).padStart(9, '0')}${prefix}${index.toString(36).padStart(4, '0')}`;

/** A chunk's table of distinct values, with each one's place. */
class Table<T> {
  readonly values: T[] = [];
  readonly #at = new Map<T, number>();
  /** The last value placed and its place: a crowd repeats it row after row. */
  #last: { value: T; at: number } | null = null;

  placeOf(value: T): number {
    if (this.#last !== null && this.#last.value === value) return this.#last.at;
    let at = this.#at.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.#at.set(value, at);
    }
    this.#last = { value, at };
    return at;
  }
}

/** The distinct facts of a chunk: by address, then device, then payment source. */
class FactsTable {
  readonly values: RawFacts[] = [];
  readonly #at = new Map<string, Map<string | null, Map<string | null, number>>>();
  #last: { facts: ClientFacts; at: number } | null = null;

  placeOf(f: ClientFacts): number {
    const last = this.#last;
    if (last !== null && last.facts.address === f.address
      && last.facts.deviceId === f.deviceId && last.facts.paymentSource === f.paymentSource) {
      return last.at;
    }
    let byDevice = this.#at.get(f.address);
    if (byDevice === undefined) this.#at.set(f.address, byDevice = new Map());
    let byPayment = byDevice.get(f.deviceId);
    if (byPayment === undefined) byDevice.set(f.deviceId, byPayment = new Map());
    let at = byPayment.get(f.paymentSource);
    if (at === undefined) {
      at = this.values.length;
      this.values.push([f.deviceId, f.address, f.paymentSource]);
      byPayment.set(f.paymentSource, at);
    }
    this.#last = { facts: f, at };
    return at;
  }
}

/** A chunk still taking rows. */
class OpenChunk {
  readonly kind: number[] = [];
  readonly kinds = new Table<SignalKind>();
  readonly accountId: string[] = [];
  readonly accountCreatedAtMs: number[] = [];
  readonly subjectId: Array<string | null> = [];
  readonly scope: number[] = [];
  readonly scopes = new Table<string | null>();
  readonly units: number[] = [];
  readonly atMs: number[] = [];
  readonly city: number[] = [];
  readonly cities = new Table<string | null>();
  readonly address: number[] = [];
  readonly addresses = new Table<string | null>();
  readonly facts: number[] = [];
  readonly factsTable = new FactsTable();

  get rows(): number {
    return this.kind.length;
  }

  push(e: ClientEvent): void {
    this.kind.push(this.kinds.placeOf(e.kind));
    this.accountId.push(e.accountId);
    this.accountCreatedAtMs.push(e.accountCreatedAtMs);
    this.subjectId.push(e.subjectId);
    this.scope.push(this.scopes.placeOf(e.scope));
    this.units.push(e.units);
    this.atMs.push(e.atMs);
    this.city.push(this.cities.placeOf(e.city));
    this.address.push(this.addresses.placeOf(e.deliveryAddress));
    this.facts.push(this.factsTable.placeOf(e.facts));
  }

  seal(): SignalChunk {
    return { idPrefix: randomBytes(6).toString('base64url'), kind: this.kind,
      kinds: this.kinds.values, accountId: this.accountId,
      accountCreatedAtMs: this.accountCreatedAtMs, subjectId: this.subjectId, scope: this.scope,
      scopes: this.scopes.values, units: this.units, atMs: this.atMs, city: this.city,
      cities: this.cities.values, address: this.address, addresses: this.addresses.values,
      facts: this.facts, factsTable: this.factsTable.values };
  }
}

/** Rows of a chunk. */
export const rowsOf = (c: SignalChunk): number => c.kind.length;

/** The chunk's first `rows` rows (its tables whole): what is kept of it when room is short. */
function headOf(c: SignalChunk, rows: number): SignalChunk {
  return { ...c, kind: c.kind.slice(0, rows), accountId: c.accountId.slice(0, rows),
    accountCreatedAtMs: c.accountCreatedAtMs.slice(0, rows),
    subjectId: c.subjectId.slice(0, rows), scope: c.scope.slice(0, rows),
    units: c.units.slice(0, rows), atMs: c.atMs.slice(0, rows), city: c.city.slice(0, rows),
    address: c.address.slice(0, rows), facts: c.facts.slice(0, rows) };
}

/**
 * The events waiting, oldest first: chunks already flushed once that must be written again
 * (sealed, their ids fixed), then chunks of at most `chunkRows` rows filling up.
 */
export class SignalBuffer {
  #sealed: SignalChunk[] = [];
  #open: OpenChunk[] = [];
  #rows = 0;
  /** When the oldest event waiting was buffered (performance.now(), ms), or null when none. */
  #oldestMs: number | null = null;

  constructor(private readonly chunkRows: number, private readonly nowMs: () => number) {
    if (!(chunkRows >= 1 && chunkRows <= CHUNK_ROWS_LIMIT)) {
      throw new Error(`a signal chunk holds 1 to ${CHUNK_ROWS_LIMIT} rows`);
    }
  }

  /** Events waiting in all. */
  get rows(): number {
    return this.#rows;
  }

  /** How long the oldest event waiting has waited (ms), 0 when none. */
  get oldestWaitMs(): number {
    return this.#oldestMs === null ? 0 : this.nowMs() - this.#oldestMs;
  }

  push(e: ClientEvent): void {
    let last = this.#open[this.#open.length - 1];
    if (last === undefined || last.rows >= this.chunkRows) {
      last = new OpenChunk();
      this.#open.push(last);
    }
    last.push(e);
    if (this.#rows === 0) this.#oldestMs = this.nowMs();
    this.#rows += 1;
  }

  /** Takes the oldest chunk, sealed (its ids fixed); null when nothing waits. */
  take(): SignalChunk | null {
    const chunk = this.#sealed.shift() ?? this.#open.shift()?.seal() ?? null;
    if (chunk === null) return null;
    this.#rows -= rowsOf(chunk);
    if (this.#rows === 0) this.#oldestMs = null;
    return chunk;
  }

  /**
   * Puts a chunk that could not be written back in front, as it was (its ids kept), keeping at
   * most `max` rows waiting in all: past it, the chunk's newest rows are dropped. Answers how
   * many rows were dropped.
   */
  restore(chunk: SignalChunk, max: number): number {
    const keep = Math.max(0, Math.min(rowsOf(chunk), max - this.#rows));
    if (keep > 0) {
      this.#sealed.unshift(keep === rowsOf(chunk) ? chunk : headOf(chunk, keep));
      if (this.#rows === 0) this.#oldestMs = this.nowMs();
      this.#rows += keep;
    }
    return rowsOf(chunk) - keep;
  }
}

/**
 * A chunk's signals, in row order, each as signalOf makes it from its event; each distinct
 * fact of the chunk is hashed once, not once a row (a crowd at an opening comes from few
 * devices and networks). Runs where the chunk is written (the SQLite writer thread).
 */
export function signalsOfChunk(c: SignalChunk): Signal[] {
  const keys: FactKeys[] = c.factsTable.map(([deviceId, address, paymentSource]) =>
    factKeysOf({ deviceId, address, paymentSource }));
  const addressKeys = c.addresses.map(addressKeyOf);
  const out: Signal[] = new Array(rowsOf(c));
  for (let i = 0; i < out.length; i++) {
    const k = keys[c.facts[i]!]!;
    out[i] = { signalId: signalIdOf(c.idPrefix, c.atMs[i]!, i), kind: c.kinds[c.kind[i]!]!,
      accountId: c.accountId[i]!, accountCreatedAtMs: c.accountCreatedAtMs[i]!,
      subjectId: c.subjectId[i] ?? null, scope: c.scopes[c.scope[i]!] ?? null,
      units: c.units[i]!, atMs: c.atMs[i]!, deviceKey: k.deviceKey, networkKey: k.networkKey,
      paymentKey: k.paymentKey, addressKey: addressKeys[c.address[i]!] ?? null,
      city: c.cities[c.city[i]!] ?? null };
  }
  return out;
}
