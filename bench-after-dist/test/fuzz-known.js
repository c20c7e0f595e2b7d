/**
 * Empty: every kind the first long run found (a malformed %-escape in the target, targets
 * starting with `//`, a fractional `?limit=` on the operator lists) is fixed.
 */
export const KNOWN = [];
//# sourceMappingURL=fuzz-known.js.map