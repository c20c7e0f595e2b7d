// The launch reads every phone repeats, prepared once per change (kernel/http/prepared-reply.ts):
// the launch list and each launch. Each is rebuilt when what it shows is no longer what it was
// built from; none is ever served past a change.
import { PreparedJson, REPLY_TIME } from '../kernel/http/prepared-reply.js';
import { launchState } from './launch.js';
import { launchView } from './launch-views.js';
/**
 * Launches: any cache may keep them but must ask again each time (a 304 when unchanged), since
 * an operator may move an opening at any moment and the page must see it (issue 18, fault 6).
 */
export const LAUNCH_CACHE_CONTROL = 'public, no-cache';
/**
 * One process's prepared launch reads. A launch is an immutable object replaced whenever it may
 * have changed (LaunchesService.refresh: this process's own change at once, another process's
 * within the cache's second), so the object itself is the key; its state (scheduled, open) is
 * part of the key too, since it turns at the opening without the object changing.
 */
export class PreparedLaunches {
    #list = null;
    #launches = new WeakMap();
    /** Replies prepared so far (tested: no rebuild without a change). */
    builds = 0;
    /** `GET /launches`, as `{launches: [Launch], server_time}`. */
    list(launches, nowMs) {
        const states = launches.map((l) => launchState(l, nowMs));
        const hit = this.#list;
        if (hit !== null && hit.launches.length === launches.length
            && launches.every((l, i) => hit.launches[i] === l && hit.states[i] === states[i])) {
            return hit.reply;
        }
        this.builds++;
        const reply = new PreparedJson({ launches: launches.map((l) => ({ ...launchView(l, nowMs),
                server_time: REPLY_TIME })), server_time: REPLY_TIME }, LAUNCH_CACHE_CONTROL);
        this.#list = { launches: [...launches], states, reply };
        return reply;
    }
    /** `GET /launches/{id}`. */
    launch(l, nowMs) {
        const state = launchState(l, nowMs);
        const hit = this.#launches.get(l);
        if (hit !== undefined && hit.state === state)
            return hit.reply;
        this.builds++;
        const reply = new PreparedJson({ ...launchView(l, nowMs), server_time: REPLY_TIME }, LAUNCH_CACHE_CONTROL);
        this.#launches.set(l, { state, reply });
        return reply;
    }
}
//# sourceMappingURL=prepared-launches.js.map