// Waiting rooms' pieces of the global migrations (kernel/store/migrations.ts), numbered 11 and 16. The
// line is the tickets' `key` (unique per room, null before the pre-queue's shuffle); a waiting
// ticket is read by (room, status, key), so 100,000 waiting cost one index range per snapshot.
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
];
