// Delivery estimates from the production plan, the delivery centres and the queue: a pure
// function, so that the same plan, centres and queue give the same estimates whatever happened
// before (README, "Delivery estimates from the plan", has the formula in words).
import { weekOfDate, weekStartMs, DAY_MS, beijingDate, } from './plan.js';
/** Weeks from the line to the delivery centre: a car built in week b can be handed over from b+1. */
export const TRANSIT_WEEKS = 1;
/** The window shown: the handover week and the week after it ("between 12 and 25 January"). */
export const WINDOW_WEEKS = 2;
export const planKey = (launchId, trim) => `${launchId}/${trim}`;
const segmentsOf = (rates) => rates.map((r) => [weekOfDate(r.fromDate), r.unitsPerWeek]);
/**
 * The week the `position`-th car of a trim is built: the first week by whose end the plan's
 * rates add up to `position`. Rates count from the week holding their date; before the first
 * rate nothing is built. Null when the plan never gets there (its last rate is 0).
 */
export function buildWeek(rates, position) {
    return buildWeekOf(segmentsOf(rates), position);
}
function buildWeekOf(segments, position) {
    let built = 0;
    for (let i = 0; i < segments.length; i++) {
        const [start, units] = segments[i];
        const weeks = i + 1 < segments.length ? segments[i + 1][0] - start : Infinity;
        if (units > 0 && built + units * weeks >= position) {
            return start + Math.ceil((position - built) / units) - 1;
        }
        if (weeks !== Infinity)
            built += units * weeks;
    }
    return null;
}
/**
 * Which centre hands over an order of `city` that could first be handed over in week `arrival`,
 * and from which week: the city's own centre once it is open; before that, its named serving
 * centre if that one is open; otherwise the city's own from its opening week. A city without a
 * centre on record is not held up by handovers (centre null).
 */
export function servingCentre(centres, city, arrival) {
    return serving(centres, city, arrival, (c) => weekOfDate(c.opensOn));
}
/** `servingCentre` with the opening weeks looked up by `opens` (a re-plan computes them once). */
function serving(centres, city, arrival, opens) {
    const own = centres.get(city);
    if (own === undefined)
        return { centre: null, week: arrival };
    const ownOpens = opens(own);
    if (ownOpens <= arrival)
        return { centre: city, week: arrival };
    const by = own.servedBy === null ? undefined : centres.get(own.servedBy);
    if (by !== undefined && opens(by) <= arrival)
        return { centre: by.cityId, week: arrival };
    return { centre: city, week: ownOpens };
}
/** Centre queue order: arrival week, then lock time, then the sequence, then the id. */
function byArrival(a, b) {
    return a.week - b.week || a.order.queuedAtMs - b.order.queuedAtMs
        || (a.order.launchId < b.order.launchId ? -1 : a.order.launchId > b.order.launchId ? 1 : 0)
        || a.order.trimSeq - b.order.trimSeq
        || (a.order.orderId < b.order.orderId ? -1 : a.order.orderId > b.order.orderId ? 1 : 0);
}
/**
 * Every locked order's estimate, for the orders whose trim has a plan (the others are absent:
 * orders keep the weekly-capacity estimate for them). Pure: depends only on its arguments, not
 * on the order of `queue`.
 *
 * 1. position: the order's place among the live locked orders of its launch and trim, by trimSeq;
 * 2. build week: `buildWeek(plan, position)`;
 * 3. arrival: build week + TRANSIT_WEEKS, at `servingCentre` (which may push it to an opening);
 * 4. handover: each centre hands over at most `handoversPerWeek` cars a week, first come first
 *    served in arrival week, then lock time (`byArrival`); a car waits for the first week
 *    with room.
 */
export function estimateQueue(state, queue) {
    const byTrim = new Map();
    for (const o of queue) {
        const k = planKey(o.launchId, o.trim);
        if (!state.plans.has(k))
            continue;
        let list = byTrim.get(k);
        if (list === undefined)
            byTrim.set(k, list = []);
        list.push(o);
    }
    const byCentre = new Map();
    // Dates become weeks once per re-plan, not once per order.
    const opening = new Map([...state.centres.values()].map((c) => [c, weekOfDate(c.opensOn)]));
    const opens = (c) => opening.get(c);
    for (const [k, list] of byTrim) {
        const plan = state.plans.get(k);
        const segments = segmentsOf(plan.rates);
        list.sort((a, b) => a.trimSeq - b.trimSeq
            || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
        for (let i = 0; i < list.length; i++) {
            const b = buildWeekOf(segments, i + 1);
            if (b === null)
                continue;
            const at = serving(state.centres, list[i].city, b + TRANSIT_WEEKS, opens);
            let group = byCentre.get(at.centre);
            if (group === undefined)
                byCentre.set(at.centre, group = []);
            group.push({ order: list[i], position: i + 1, buildWeek: b, week: at.week,
                centre: at.centre, planVersion: plan.version });
        }
    }
    const out = new Map();
    for (const [centre, group] of byCentre) {
        const perWeek = centre === null ? Infinity : state.centres.get(centre).handoversPerWeek;
        group.sort(byArrival);
        let week = -Infinity;
        let used = 0;
        for (const a of group) {
            if (a.week > week) {
                week = a.week;
                used = 0;
            }
            else if (used >= perWeek) {
                week++;
                used = 0;
            }
            used++;
            const o = a.order;
            out.set(o.orderId, { orderId: o.orderId, accountId: o.accountId, launchId: o.launchId,
                trim: o.trim, city: o.city, position: a.position, buildWeek: a.buildWeek,
                arrivalWeek: a.week, centre, handoverWeek: week, planVersion: a.planVersion });
        }
    }
    return out;
}
/**
 * The estimate of one more order appended at the end of the queue: position `position` in its
 * trim (the live locked orders ahead + 1) and, at its centre, behind every car of `load` that
 * arrives in its week or before (they locked earlier). For the last queue estimated by
 * `estimateQueue`, this is exactly what `estimateQueue` would give the order appended to it
 * ("if you lock now"). Null when the trim has no plan.
 */
export function estimateAppended(state, loads, launchId, trim, city, position) {
    const plan = state.plans.get(planKey(launchId, trim));
    if (plan === undefined)
        return null;
    const b = buildWeek(plan.rates, position);
    if (b === null)
        return null;
    const at = servingCentre(state.centres, city, b + TRANSIT_WEEKS);
    let handover = at.week;
    if (at.centre !== null) {
        const perWeek = state.centres.get(at.centre).handoversPerWeek;
        let week = -Infinity;
        let used = 0;
        for (const [w, cars] of loads.get(at.centre) ?? []) {
            if (w > at.week)
                break;
            if (w > week) {
                week = w;
                used = 0;
            }
            // `cars` more, first come first served: fill this week, then the next ones.
            const total = used + cars;
            week += Math.floor((total - 1) / perWeek);
            used = ((total - 1) % perWeek) + 1;
        }
        handover = at.week > week ? at.week : used >= perWeek ? week + 1 : week;
    }
    return { launchId, trim, city, position, buildWeek: b, arrivalWeek: at.week,
        centre: at.centre, handoverWeek: handover, planVersion: plan.version };
}
/** The centres' loads of a set of estimates (what `estimateAppended` queues behind). */
export function centreLoads(estimates) {
    const counts = new Map();
    for (const e of estimates) {
        if (e.centre === null)
            continue;
        let m = counts.get(e.centre);
        if (m === undefined)
            counts.set(e.centre, m = new Map());
        m.set(e.arrivalWeek, (m.get(e.arrivalWeek) ?? 0) + 1);
    }
    const out = new Map();
    for (const [c, m] of counts)
        out.set(c, [...m].sort((a, b) => a[0] - b[0]));
    return out;
}
/** The calendar window of a handover week: its Monday to the Sunday of the week after. */
export function windowOf(handoverWeek) {
    return { from: beijingDate(weekStartMs(handoverWeek)),
        to: beijingDate(weekStartMs(handoverWeek + WINDOW_WEEKS) - DAY_MS) };
}
/**
 * The window as weeks from `nowMs` (what the order reply's `weeks_min`/`weeks_max` say): whole
 * weeks until it opens and until it closes, never below 0.
 */
export function weeksFromNow(handoverWeek, nowMs) {
    const weeksMin = Math.max(0, Math.ceil((weekStartMs(handoverWeek) - nowMs) / (7 * DAY_MS)));
    const weeksMax = Math.max(weeksMin, Math.ceil((weekStartMs(handoverWeek + WINDOW_WEEKS) - nowMs) / (7 * DAY_MS)));
    return { weeksMin, weeksMax };
}
//# sourceMappingURL=estimates.js.map