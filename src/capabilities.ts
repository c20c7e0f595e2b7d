// The one composition point: every capability, in dependency order (each after those it
// depends on). Adding a capability is its folder and one line here. From this list come the
// routes (kernel/http/http-app.ts), the store's parts and migrations, and the group-commit
// handlers (src/stores.ts); test/capability-boundaries.test.ts checks every import against
// the `dependsOn` declared in each capability's index.ts.
//
//   deliveries    -> notifications, production, orders, payments, accounts
//   scalpers      -> drops, orders, launches, accounts
//   production    -> orders, launches, accounts
//   notifications -> orders, accounts
//   drops         -> payments, accounts
//   pricebooks    -> production, orders, payments, launches, accounts
//   waiting-rooms -> (none; orders and drops ask its gate through kernel/admission-gate.ts)
//   orders        -> launches, payments, accounts
//   launches      -> accounts
//   payments      -> accounts
//   accounts      -> (none)
import { accounts } from './accounts/index.js';
import { deliveries } from './deliveries/index.js';
import { drops } from './drops/index.js';
import { checkCapabilities, type Capability } from './kernel/capability.js';
import type { Route } from './kernel/http/route.js';
import { launches } from './launches/index.js';
import { notifications } from './notifications/index.js';
import { orders } from './orders/index.js';
import { payments } from './payments/index.js';
import { pricebooks } from './pricebooks/index.js';
import { production } from './production/index.js';
import { scalpers } from './scalpers/index.js';
import { waitingRooms } from './waiting-rooms/index.js';

export const capabilities: readonly Capability[] = [
  accounts,
  launches,
  payments,
  orders,
  production,
  notifications,
  drops,
  deliveries,
  scalpers,
  pricebooks,
  waitingRooms,
];

checkCapabilities(capabilities);

/** Every capability's timers (server.ts starts and stops them). */
export const capabilityTimers = capabilities.flatMap((c) => c.timers ?? []);

/** Every capability's routes, in the list's order. */
export const capabilityRoutes: readonly Route[] = capabilities.flatMap((c) => c.routes);
