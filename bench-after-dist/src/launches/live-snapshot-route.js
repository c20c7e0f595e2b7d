// `GET /launches/{id}/live.json`: the live figures as a public snapshot, one second fresh, for
// any number of viewers. A CDN or a phone keeps it for the second it is current and may serve
// it a little longer while fetching the next (stale-while-revalidate), so the origin answers
// about once a second per edge, however many watch; the body is the one the stream's viewers
// get that tick, encoded once (live-hub.ts), and a repeat read of an unchanged one is a 304.
import { refuse } from '../kernel/outcomes.js';
import { noneMatchHits } from '../kernel/http/prepared-reply.js';
import * as Launches from './launch-schemas.js';
/** Seconds a cache may serve a snapshot after it expired while fetching the next one. */
export const SNAPSHOT_STALE_S = 4;
export const SNAPSHOT_CACHE_CONTROL = `public, max-age=1, s-maxage=1, stale-while-revalidate=${SNAPSHOT_STALE_S}`;
/** The snapshot route; written by node:http itself, so that a 304 goes out without a body. */
export const liveSnapshotRoute = { method: 'GET', path: '/launches/:launch_id/live.json',
    access: 'public', stream: true, schema: Launches.liveSnapshot, handler: async (ctx) => {
        if (ctx.res === null)
            throw new Error('the snapshot is served by node:http only');
        const snap = await ctx.app.live.snapshot(ctx.params.launch_id);
        if (snap === null)
            return refuse('launch_not_found');
        const headers = { etag: snap.etag, 'cache-control': SNAPSHOT_CACHE_CONTROL };
        if (noneMatchHits(ctx.headers['if-none-match'], snap.etag)) {
            ctx.res.writeHead(304, headers).end();
            return null;
        }
        ctx.res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8',
            'content-length': snap.json.length }).end(snap.json);
        return null;
    } };
//# sourceMappingURL=live-snapshot-route.js.map