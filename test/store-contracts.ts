// Every part of the storage contract: the kernel's and each capability's, in the composition's
// order. The adapters' test files run it on a fresh store per test.
import { accountsStoreContract } from '../src/accounts/accounts-store.contract.js';
import { deliveriesStoreContract } from '../src/deliveries/deliveries-store.contract.js';
import { dropsStoreContract } from '../src/drops/drops-store.contract.js';
import { kernelStoreContract, type OpenedStore } from '../src/kernel/store/store-contract.js';
import { launchesStoreContract } from '../src/launches/launches-store.contract.js';
import {
  notificationsStoreContract,
} from '../src/notifications/notifications-store.contract.js';
import { ordersStoreContract } from '../src/orders/orders-store.contract.js';
import { paymentsStoreContract } from '../src/payments/payments-store.contract.js';
import { pricebooksStoreContract } from '../src/pricebooks/pricebooks-store.contract.js';
import { productionStoreContract } from '../src/production/production-store.contract.js';
import { scalpersStoreContract } from '../src/scalpers/scalpers-store.contract.js';
import {
  waitingRoomsStoreContract,
} from '../src/waiting-rooms/waiting-rooms-store.contract.js';

export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  kernelStoreContract(name, open);
  accountsStoreContract(name, open);
  launchesStoreContract(name, open);
  paymentsStoreContract(name, open);
  ordersStoreContract(name, open);
  productionStoreContract(name, open);
  notificationsStoreContract(name, open);
  dropsStoreContract(name, open);
  deliveriesStoreContract(name, open);
  scalpersStoreContract(name, open);
  pricebooksStoreContract(name, open);
  waitingRoomsStoreContract(name, open);
}
