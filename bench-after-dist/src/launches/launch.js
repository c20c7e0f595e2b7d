// A launch is one model's sales opening with everything the order rules need to know about it.
export const CHANGE_ASPECTS = ['trim', 'colour', 'wheels', 'extras', 'city', 'model'];
/** Whether the window is open at `nowMs`: not closed by an operator, and within its times. */
export function isWindowOpen(w, nowMs) {
    return w.closedAtMs === null && w.opensAtMs <= nowMs && nowMs < w.closesAtMs;
}
export function launchState(launch, nowMs) {
    return nowMs >= launch.opensAtMs ? 'open' : 'scheduled';
}
/**
 * Whether an order of this launch locks the moment it is placed: a founder's edition locks on
 * payment, and a launch with no cooling-off (`coolingOffHours` 0) has no time in which the
 * order could be firm. Such an order takes its queue place in the batch that places it.
 */
export function locksOnPlacement(launch) {
    return launch.locksOnPayment || launch.coolingOffHours === 0;
}
export function findTrim(launch, trim) {
    return launch.trims.find((t) => t.trim === trim);
}
//# sourceMappingURL=launch.js.map