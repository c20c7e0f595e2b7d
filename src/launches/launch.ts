// A launch is one model's sales opening with everything the order rules need to know about it.
import { quoted, refuse, type Refusal } from '../kernel/outcomes.js';

/** What a change window lets a buyer change in an order (orders/order.ts applies it). */
export type ChangeAspect = 'trim' | 'colour' | 'wheels' | 'extras' | 'city' | 'model';
export const CHANGE_ASPECTS: readonly ChangeAspect[] =
  ['trim', 'colour', 'wheels', 'extras', 'city', 'model'];

/** A period in which buyers of `fromLaunchId` may change their orders (docs/api.md). */
export interface ChangeWindow {
  readonly windowId: string;
  readonly fromLaunchId: string;
  readonly toLaunchId: string | null;
  readonly opensAtMs: number;
  readonly closesAtMs: number;
  readonly allows: readonly ChangeAspect[];
  readonly closedAtMs: number | null;
  readonly createdBy: string;
  readonly createdAtMs: number;
}

/** Whether the window is open at `nowMs`: not closed by an operator, and within its times. */
export function isWindowOpen(w: ChangeWindow, nowMs: number): boolean {
  return w.closedAtMs === null && w.opensAtMs <= nowMs && nowMs < w.closesAtMs;
}

export type OptionGroup = 'colour' | 'wheels' | 'extras';

export interface Trim {
  readonly trim: string;
  readonly name: string;
  readonly nameZh: string;
  readonly priceFen: number;
  /** Cars of this trim built per week: the simple production model behind the estimates. */
  readonly capacityPerWeek: number;
  /** Weeks from lock to the first car of this trim leaving the line. */
  readonly leadWeeks: number;
}

export interface OptionSpec {
  readonly optionId: string;
  readonly group: OptionGroup;
  readonly name: string;
  readonly nameZh: string;
  readonly priceFen: number;
  readonly isDefault: boolean;
}

export interface City {
  readonly cityId: string;
  readonly name: string;
  readonly nameZh: string;
  readonly openedOn: string;
}

export interface Launch {
  readonly launchId: string;
  readonly modelId: string;
  readonly name: string;
  readonly nameZh: string;
  readonly opensAtMs: number;
  readonly depositFen: number;
  readonly coolingOffHours: number;
  readonly perAccountLimit: number;
  /** Founder's editions lock the moment the deposit is paid: no cooling-off. */
  readonly locksOnPayment: boolean;
  readonly trims: readonly Trim[];
  readonly options: readonly OptionSpec[];
  readonly cities: readonly City[];
}

export function launchState(launch: Launch, nowMs: number): 'scheduled' | 'open' {
  return nowMs >= launch.opensAtMs ? 'open' : 'scheduled';
}

/**
 * Whether an order of this launch locks the moment it is placed: a founder's edition locks on
 * payment, and a launch with no cooling-off (`coolingOffHours` 0) has no time in which the
 * order could be firm. Such an order takes its queue place in the batch that places it.
 */
export function locksOnPlacement(launch: Launch): boolean {
  return launch.locksOnPayment || launch.coolingOffHours === 0;
}

export function findTrim(launch: Launch, trim: string): Trim | undefined {
  return launch.trims.find((t) => t.trim === trim);
}

/**
 * `launch_not_found` for a launch named by the request's `field` (a body's, not the path's),
 * naming the field and the id: the caller sees which of the ids it sent is wrong.
 */
export const launchNotFound = (field: string, launchId: string): Refusal =>
  refuse('launch_not_found', `"${field}": there is no launch ${quoted(launchId)}; `
    + 'GET /launches lists them.');
