// Every group-commit handler by name: what a batch may run, in whichever thread runs it.
import { accountCommands } from './account-commands.js';
import { orderCommands } from './order-commands.js';

export interface BatchHandlerLimits {
  readonly autoLockBatchMax: number;
}

export function batchHandlers(limits: BatchHandlerLimits) {
  const { place, act, autoLock } = orderCommands(limits);
  const { register } = accountCommands();
  return { place, act, autoLock, register };
}

export type BatchHandlers = ReturnType<typeof batchHandlers>;
