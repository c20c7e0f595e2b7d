import { refuse } from '../outcomes.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
export const reply = (status, body, headers) => ({ status, body, ...(headers ? { headers } : {}) });
/**
 * Runs what follows a committed write (its reply, read from the store; an operator's audit
 * entry). If the store goes away meanwhile, the write was made all the same, so the refusal is
 * `commit_unknown` (read it back), never `store_unavailable`, which says nothing was done: a
 * lock retried on that word meets "already locked".
 */
export async function afterWrite(build) {
    try {
        return await build();
    }
    catch (err) {
        if (!isStoreUnavailable(err))
            throw err;
        return refuse('commit_unknown', 'Your change was made, but our order database went away '
            + 'before its reply could be read: read the order back.');
    }
}
//# sourceMappingURL=route.js.map