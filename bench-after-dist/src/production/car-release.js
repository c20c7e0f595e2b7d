/**
 * Releases the cars of orders cancelled past their lock. Only a forfeiting cancel can concern an
 * order with a car (a refund is of a firm order), so the hook costs nothing on the order path.
 */
export const releaseCancelledCars = async (tx, changes) => {
    const ids = changes.filter((c) => c.event.type === 'cancelled'
        && c.event.detail.deposit_state === 'forfeited').map((c) => c.event.orderId);
    if (ids.length > 0)
        await tx.releaseCars(ids);
};
//# sourceMappingURL=car-release.js.map