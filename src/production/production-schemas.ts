// The contract of production's endpoints (production-routes.ts: an operator's plans, delivery
// centres, re-plans, estimate changes, production runs, ready stock and truth audit; the public
// delivery cities): each request's fields with the code and message of every check, and each
// reply's shape. Validated by kernel/http/schema.ts, published by kernel/http/openapi.ts. The
// rules that are not shapes (real dates in order, the last rate above 0, VIN check characters,
// known cities) stay with the route and the service, which refuse with the codes listed.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import {
  maybe, orNull, queryText, queryWhole, reason, text, whole,
} from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'A Beijing date, YYYY-MM-DD' });
const Window = Type.Object({ from: DateText, to: DateText },
  { description: 'Beijing dates, both included' });

export const PlanView = Type.Object({
  launch_id: Str, trim: Str, version: Int,
  rates: Type.Array(Type.Object({ from: DateText, units_per_week: Int })),
  created_by: Str, created_at: Time, reason: Str,
}, { 'x-component': 'ProductionPlan' });

export const CentreView = Type.Object({
  city_id: Str, version: Int, handovers_per_week: Int, opens_on: DateText,
  served_by: orNull(Str), created_by: Str, created_at: Time, reason: Str,
}, { 'x-component': 'DeliveryCentre' });

export const ReplanView = Type.Object({
  replan_id: Str, at: Time, actor: Str,
  cause: Type.Union([Type.Literal('plan'), Type.Literal('centre'), Type.Literal('manual')]),
  reason: Str, orders_estimated: Int, moved_earlier: Int, moved_later: Int,
  duration_ms: Type.Optional(Int),
}, { 'x-component': 'Replan' });

export const ChangeView = Type.Object({
  change_id: Int, replan_id: Str, order_id: Str, account_id: Str, launch_id: Str, trim: Str,
  old_window: Window, new_window: Window,
  weeks_moved: Type.Integer({ description: 'Negative: earlier' }),
  direction: Type.Union([Type.Literal('earlier'), Type.Literal('later')]), at: Time,
}, { 'x-component': 'EstimateChange' });

const CarView = Type.Object({
  vin: Str, launch_id: Str, trim: Str, options: Type.Array(Str), built_on: DateText,
  order_id: orNull(Str), pooled: Type.Boolean(),
}, { 'x-component': 'BuiltCar' });

/** A list field whose entries the route reads one by one: its shape, and the words of a bad one. */
const list = (name: string, min: number, max: number, item: object, description: string) =>
  Type.Unsafe<Array<Record<string, unknown>>>({ type: 'array', minItems: min, maxItems: max,
    items: item, description, 'x-error': { messages: {
      required: `"${name}" is required.`,
      type: `"${name}" must be a list of ${min} to ${max}.`,
      minItems: `"${name}" must be a list of ${min} to ${max}.`,
      maxItems: `"${name}" must be a list of ${min} to ${max}.`,
      items: `"${name}": each entry must be as documented.` } } });

export const putPlan: RouteContract = (limits) => ({
  summary: 'Add a version of a trim\'s production plan, and re-plan every locked order',
  body: Type.Object({
    launch_id: text({ maxLength: 64 }),
    trim: text({ maxLength: 64 }),
    rates: list('rates', 1, limits.planRatesMax, { type: 'object',
      required: ['from', 'units_per_week'], properties: {
        from: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD, Beijing: the rate '
          + 'counts from the week (Monday to Sunday) holding it, until the next rate' },
        units_per_week: { type: 'integer', minimum: 0, maximum: limits.planUnitsPerWeekMax } } },
    'Dated weekly rates in date order; the last above 0'),
    reason: reason(limits.operatorReasonMax),
  }),
  replies: { 201: Type.Object({ plan: PlanView, replan: ReplanView }) },
  errors: ['launch_not_found', 'unknown_trim', 'reason_required'] });

export const plans: RouteContract = () => ({ summary: 'The plan in force of every trim',
  replies: { 200: Type.Object({ plans: Type.Array(PlanView) }) } });

export const planVersions: RouteContract = () => ({ summary: 'Every version of one plan',
  replies: { 200: Type.Object({ versions: Type.Array(PlanView) }) },
  errors: ['plan_not_found'] });

export const putCentre: RouteContract = (limits) => ({
  summary: 'Add a version of a city\'s delivery centre, and re-plan every locked order',
  body: Type.Object({
    city_id: text({ maxLength: 64 }),
    handovers_per_week: whole({ minimum: 1, maximum: limits.handoversPerWeekMax,
      rangeMessage: `"handovers_per_week" must be from 1 to ${limits.handoversPerWeekMax}.` }),
    opens_on: text({ maxLength: 10, description: 'YYYY-MM-DD, Beijing' }),
    served_by: maybe(text({ maxLength: 64,
      description: 'The city whose centre serves this one until it opens' })),
    reason: reason(limits.operatorReasonMax),
  }),
  replies: { 201: Type.Object({ centre: CentreView, replan: ReplanView }) },
  errors: ['unknown_city', 'centre_not_found', 'reason_required'] });

export const centres: RouteContract = () => ({ summary: 'The centre in force of every city',
  replies: { 200: Type.Object({ centres: Type.Array(CentreView) }) } });

export const centreVersions: RouteContract = () => ({
  summary: 'Every version of one city\'s centre',
  replies: { 200: Type.Object({ versions: Type.Array(CentreView) }) },
  errors: ['centre_not_found'] });

export const replanNow: RouteContract = (limits) => ({
  summary: 'Re-plan now (orders locked since the last re-plan get their stored estimate)',
  body: Type.Object({ reason: reason(limits.operatorReasonMax) }),
  replies: { 201: Type.Object({ replan: ReplanView }) }, errors: ['reason_required'] });

export const replans: RouteContract = () => ({ summary: 'The latest re-plans, newest first',
  replies: { 200: Type.Object({ replans: Type.Array(ReplanView) }) } });

export const estimateChanges: RouteContract = (limits) => ({
  summary: 'Estimates re-plans moved, oldest first: one message each',
  query: Type.Object({ after: queryWhole(0, Number.MAX_SAFE_INTEGER, 0),
    limit: queryWhole(1, limits.estimateChangesPageMax, limits.estimateChangesPageMax),
    replan_id: queryText({ pattern: '^rpl_[A-Za-z0-9_-]{1,60}$',
      patternMessage: '"{field}" must be a replan_id.',
      description: 'Only the changes this re-plan found' }) }),
  replies: { 200: Type.Object({ changes: Type.Array(ChangeView), next_after: orNull(Int) }) } });

export const recordRun: RouteContract = (limits) => ({
  summary: 'Record built cars and allocate every unplaced car in queue order',
  body: Type.Object({
    launch_id: text({ maxLength: 64 }),
    built_on: text({ maxLength: 10, description: 'YYYY-MM-DD, Beijing' }),
    cars: list('cars', 1, limits.carsPerRunMax, { type: 'object', required: ['vin', 'trim'],
      properties: {
        vin: { type: 'string', maxLength: 17,
          description: 'ISO 3779: 17 of A-Z 0-9 without I, O, Q; the ninth the check character' },
        trim: { type: 'string', maxLength: 64 },
        options: { type: 'array', maxItems: limits.optionsPerOrderMax,
          items: { type: 'string', maxLength: 64 } } } },
    'The cars built, each with its exact configuration'),
    reason: reason(limits.operatorReasonMax),
  }),
  replies: { 201: Type.Object({ recorded: Int, already_recorded: Int,
    allocated: Type.Array(Type.Object({ vin: Str, order_id: Str })),
    pooled: Type.Array(Str) }) },
  errors: ['launch_not_found', 'invalid_vin', 'vin_conflict', 'unknown_trim', 'unknown_option',
    'option_conflict', 'reason_required'] });

export const readyStock: RouteContract = () => ({
  summary: 'Cars no locked order wanted, first built first',
  replies: { 200: Type.Object({ cars: Type.Array(CarView) }) } });

export const truthAudit: RouteContract = () => ({
  summary: 'The share of allocated orders whose car came in the window shown at their lock',
  replies: { 200: Type.Object({ allocated: Int, shown_at_lock: Int, inside: Int,
    share: orNull(Type.Number()) }) } });

export const deliveryCities: RouteContract = () => ({
  summary: 'The cities a launch delivers to, with the centre serving each today',
  replies: { 200: Type.Object({ launch_id: Str, cities: Type.Array(Type.Object({
    city_id: Str, name: Str, name_zh: Str, centre_opens_on: orNull(DateText),
    served_by: orNull(Str) })) }) },
  errors: ['launch_not_found'] });

export const planWeeks: RouteContract = (limits) => ({
  summary: 'A plan in force week by week: its capacity against the locked orders it builds',
  replies: { 200: Type.Object({ launch_id: Str, trim: Str, version: Int,
    locked: Type.Integer({ description: 'Locked orders of the trim now (its queue)' }),
    this_week: DateText,
    weeks: Type.Array(Type.Object({ from: DateText,
      units_per_week: Type.Integer({ description: 'What the plan builds that week' }),
      locked: Type.Integer({ description: 'Locked orders built that week, in queue order' }) }),
    { description: `From the plan's first week; at most ${limits.planWeeksShownMax}` }),
    beyond: Type.Integer({ description: 'Locked orders built after the last week shown' }),
  }) },
  errors: ['plan_not_found'] });

export const productionRuns: RouteContract = (limits) => ({
  summary: 'The cars recorded last, grouped into their runs, newest first, with where each went',
  query: Type.Object({ limit: queryWhole(1, limits.carsListMax, limits.carsListMax) }),
  replies: { 200: Type.Object({ runs: Type.Array(Type.Object({ launch_id: Str,
    built_on: DateText, recorded_at: Time, recorded_by: Str, allocated: Int, pooled: Int,
    cars: Type.Array(CarView) })),
  more: Type.Boolean({ description: 'Older cars were left out: the oldest run may be partial' }),
  }) } });
