// Migration 25 on a database made when a shuffle's input was the ticket ids sorted (draw scheme
// 1, whose published input order the public had to take on trust): a room already shuffled keeps
// its ranks and is published as scheme 1, with the input_index that recomputes them; a room not
// yet shuffled draws by scheme 2 (the hashes sorted) when it opens. Both stores: SQLite in a
// temporary folder, PostgreSQL in a fresh schema of the shared server; and the published draw of
// the old room through HTTP on SQLite.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { permute, ticketHash } from '../src/waiting-rooms/waiting-room.js';
import { harness } from './harness.js';
import { migrationsBefore, sameSql, sqliteAt, upgradeOnBothStores } from './migrated-to.js';

const OPENS_MS = Date.parse('2025-06-26T13:00:00Z');
const SEED = 'ab'.repeat(32);
const IDS = ['wrt_c', 'wrt_a', 'wrt_d', 'wrt_b'];
/** The ranks scheme 1 gave: permute over the ids sorted. */
const OLD_ORDER = permute([...IDS].sort(), SEED);

const roomRow = (id: string, shuffledAtMs: number | null, target: string) => `INSERT INTO `
  + `waiting_rooms VALUES ('${id}', 'launch', '${target}', 0, 0, ${OPENS_MS}, ${
    OPENS_MS - 600_000}, 'shuffle', 60, 10, 600, 300, 0, 200, '${SEED}', 'cd', ${
    shuffledAtMs ?? 'NULL'}, 0, NULL, 0, 1, 1)`;
const ROWS = sameSql([
  roomRow('old', OPENS_MS + 1, 'yu7-2025'),
  roomRow('new', null, 'su7-2024'),
  ...OLD_ORDER.map((id, i) => `INSERT INTO waiting_tickets VALUES ('${id}', 'old', ${
    OPENS_MS - 1000}, ${i + 1}, 'waiting', ${OPENS_MS}, '127.0.0.1', NULL, NULL, NULL, '')`),
]);

await upgradeOnBothStores({
  name: 'the draw\'s scheme after an upgrade', version: 25, rows: ROWS,
  test: 'migration 25: the room already shuffled keeps scheme 1 and its ranks; the other draws '
    + 'by scheme 2',
  check: async (store) => {
    assert.equal((await store.room('old'))!.drawScheme, 1);
    assert.equal((await store.room('new'))!.drawScheme, 2);
    assert.deepEqual((await store.ticketsOf('old', 10)).sort((a, b) => a.key! - b.key!)
      .map((t) => t.ticketId), OLD_ORDER);
    // A room replaced by its operator keeps the scheme its draw was made by.
    const old = (await store.room('old'))!;
    await store.transaction((tx) => tx.putRoom({ ...old, drawScheme: 2, suspended: true }));
    assert.equal((await store.room('old'))!.drawScheme, 1);
  },
});

describe('the draw\'s scheme after an upgrade, through HTTP on SQLite', () => {
  it('a room shuffled before is published as scheme 1, with the input order it was drawn over',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-draw-scheme-http-'));
      sqliteAt(dir, migrationsBefore(25), ROWS.sqlite);
      const h = await harness({ LAUNCHDAY_DATA_DIR: dir });
      try {
        const r = await h.call('GET', '/waiting-rooms/old/shuffle');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.scheme, 1);
        const entries = r.body.entries as Array<{ rank: number; ticket_hash: string;
          input_index: number }>;
        assert.deepEqual(entries.map((e) => e.ticket_hash), OLD_ORDER.map(ticketHash));
        const input: string[] = [];
        for (const e of entries) input[e.input_index] = e.ticket_hash;
        assert.deepEqual(permute(input, r.body.seed), entries.map((e) => e.ticket_hash));
      } finally {
        await h.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
