// Waiting rooms: a line in front of a launch's orders or a drop's purchases (a pre-queue
// shuffled at the opening, admission at a rate under a cap, signed tickets and passes), and
// the gate orders and drops ask through the kernel's AdmissionGate port. What the composition
// may use of it.
import type { Capability } from '../kernel/capability.js';
import { roomCommands } from './room-commands.js';
import { roomRoutes } from './room-routes.js';
import { waitingRoomsMigrations } from './waiting-rooms-migrations.js';
import { waitingRoomsPostgres } from './waiting-rooms-postgres.js';
import { waitingRoomsSqlite } from './waiting-rooms-sqlite.js';

export * from './waiting-room.js';
export * from './room-tokens.js';
export * from './room-routes.js';
export * from './room-commands.js';
export * from './waiting-rooms-service.js';
export * from './waiting-rooms-store.js';

export const waitingRooms = {
  name: 'waiting-rooms',
  dependsOn: [],
  routes: roomRoutes,
  migrations: waitingRoomsMigrations,
  sqlite: waitingRoomsSqlite,
  postgres: waitingRoomsPostgres,
  batchHandlers: () => roomCommands(),
  timers: [{
    name: 'waiting-room admitter',
    intervalMs: (limits) => limits.waitingAdmitRoundMs,
    run: (app) => app.waitingRooms.admitRound(),
  }],
} satisfies Capability;
