// Waiting rooms' pieces of the global migrations (kernel/store/migrations.ts), numbered 11, 16
// 22 and 25. The line is the tickets' `key` (unique per room, null before the pre-queue's
// shuffle); a waiting ticket is read by (room, status, key), so 100,000 waiting cost one index
// range per snapshot.
// A piece is never edited after it has shipped: add a new number instead.
import { int, type MigrationPiece } from '../kernel/store/migrations.js';

export const waitingRoomsMigrations: readonly MigrationPiece[] = [
  {
    version: 11,
    sql: (d) => `
      CREATE TABLE waiting_rooms (
        room_id TEXT PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('launch', 'drop')), target_id TEXT NOT NULL,
        enabled INTEGER NOT NULL, suspended INTEGER NOT NULL,
        opens_at_ms ${int(d)} NOT NULL, prequeue_at_ms ${int(d)} NOT NULL,
        queue_order TEXT NOT NULL CHECK (queue_order IN ('shuffle', 'fifo')),
        admit_per_minute INTEGER NOT NULL, active_max INTEGER NOT NULL,
        pass_seconds INTEGER NOT NULL, grace_seconds INTEGER NOT NULL,
        adaptive INTEGER NOT NULL, waiting_status INTEGER NOT NULL,
        seed TEXT NOT NULL, seed_commitment TEXT NOT NULL, shuffled_at_ms ${int(d)},
        tokens DOUBLE PRECISION NOT NULL, filled_at_ms ${int(d)},
        admitted_total ${int(d)} NOT NULL,
        created_at_ms ${int(d)} NOT NULL, updated_at_ms ${int(d)} NOT NULL,
        UNIQUE (scope, target_id));
      CREATE TABLE waiting_tickets (
        ticket_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, joined_at_ms ${int(d)} NOT NULL,
        line_key ${int(d)},
        status TEXT NOT NULL CHECK (status IN ('waiting', 'admitted', 'expired', 'held')),
        last_seen_ms ${int(d)} NOT NULL, address TEXT NOT NULL, pass_id TEXT,
        admitted_at_ms ${int(d)}, UNIQUE (room_id, line_key));
      CREATE INDEX waiting_tickets_line ON waiting_tickets (room_id, status, line_key);
      CREATE INDEX waiting_tickets_address ON waiting_tickets (room_id, address);
      CREATE TABLE waiting_passes (
        pass_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, ticket_id TEXT NOT NULL,
        issued_at_ms ${int(d)} NOT NULL, expires_at_ms ${int(d)} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'spent', 'revoked')),
        spent_by TEXT, spent_key TEXT, spent_at_ms ${int(d)});
      CREATE INDEX waiting_passes_room ON waiting_passes (room_id, status, expires_at_ms);
    `,
  },
  {
    // A pass claimed by a request still under way is held, not yet spent: a refused request
    // gives it back, and a concurrent one with the same pass waits for the outcome.
    version: 16,
    sql: (d) => `ALTER TABLE waiting_passes ADD COLUMN claimed_until_ms ${int(d)};`,
  },
  {
    // A pass is bound to the first account that uses it (a bearer token any account could
    // spend was the attacker's find); a pass already used is bound to its user. A ticket keeps
    // the signed-in account that joined (one live place per account) and its network (the
    // per-network cap's count, by index). Tickets from before have network '': uncounted, as
    // an unknown address is, until they lapse with their room's night.
    version: 22,
    sql: () => `
      ALTER TABLE waiting_passes ADD COLUMN bound_to TEXT;
      UPDATE waiting_passes SET bound_to = spent_by WHERE spent_by IS NOT NULL;
      ALTER TABLE waiting_tickets ADD COLUMN account_id TEXT;
      ALTER TABLE waiting_tickets ADD COLUMN network TEXT NOT NULL DEFAULT '';
      CREATE INDEX waiting_tickets_account ON waiting_tickets (room_id, account_id);
      CREATE INDEX waiting_tickets_network ON waiting_tickets (room_id, network);
    `,
  },
  {
    // The draw's scheme (waiting-room.ts, DrawScheme): a shuffle's input is now the tickets'
    // hashes sorted, which the public can rebuild. Rooms already shuffled keep the ranks they
    // were given over the ids sorted (scheme 1), and are published so; the others are shuffled
    // the new way when they open.
    version: 25,
    sql: () => `
      ALTER TABLE waiting_rooms ADD COLUMN draw_scheme INTEGER NOT NULL DEFAULT 2
        CHECK (draw_scheme IN (1, 2));
      UPDATE waiting_rooms SET draw_scheme = 1 WHERE shuffled_at_ms IS NOT NULL;
    `,
  },
];
