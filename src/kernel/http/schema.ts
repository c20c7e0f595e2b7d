// The API contract as schemas: each route declares its request (params, query, body) and its
// replies once, as JSON Schema 2020-12 built with TypeBox. The same declarations are validated
// here (Ajv, compiled once at start) and published as the OpenAPI 3.1 document (openapi.ts).
//
// Refusals keep their exact words: every field carries, in its `x-error` annotation, the code
// and the message of each check it can fail, and the stage at which today's order of checks
// makes that check (a type before a range, fields in their declared order). Ajv reports every
// failure (allErrors); on the failure path only, the first by (stage, field, check) is the
// refusal. The success path is one compiled call, allocating nothing.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseIsoTime, isoTimeRule } from '../iso-time.js';
import {
  VISIBLE_LINES_PATTERN, VISIBLE_TEXT_PATTERN, visibleTextMessage, visibleTextRule,
} from '../visible-text.js';
import {
  refuse, shortText, type OutcomeCode, type Refusal, type Result,
} from '../outcomes.js';
import type { Limits } from '../config.js';

/**
 * What a route declares of its contract. Path parameters are read from the route's path (each a
 * string); `headers` are documented and checked by the route itself.
 */
export interface RouteSchema {
  /** One line for the document. */
  readonly summary: string;
  readonly query?: TSchema;
  readonly headers?: Readonly<Record<string, { schema: TSchema; required: boolean;
    description: string }>>;
  /** The JSON body's fields; a route without one reads no body (or reads it raw, `rawBody`). */
  readonly body?: TSchema;
  /** A body read as raw text by the route (a signed notification), documented as this schema. */
  readonly rawBody?: TSchema;
  /** The replies' media type when not JSON (a stream, metrics text). */
  readonly replyMediaType?: string;
  /** Each success status and its reply's schema. */
  readonly replies: Readonly<Record<number, TSchema>>;
  /** The refusals this route gives itself, besides those of every route (openapi.ts). */
  readonly errors?: readonly OutcomeCode[];
}

/** A route's contract, built from the process's limits (which some fields' bounds are). */
export type RouteContract = (limits: Limits) => RouteSchema;

/** The checks a field can fail, in the order they are made within one field. */
export const CHECKS = ['required', 'type', 'maxLength', 'format', 'items', 'maxItems', 'minItems',
  'pattern', 'minimum', 'maximum', 'x-whole-range', 'x-year-range'] as const;
export type Check = typeof CHECKS[number];

/**
 * How a field's refusals read (the `x-error` annotation). `{field}` in a message is the
 * field's name. `code` defaults to invalid_request; a check without a message gets the code's
 * catalogue message. `stages`: a check at a later stage is made after every earlier-stage check
 * of every field (default 0), as the hand-written checks did (all types, then all ranges).
 */
export interface FieldError {
  readonly code?: OutcomeCode;
  /** A code for some checks other than `code` (a reason too long is no missing reason). */
  readonly codes?: Partial<Record<Check, OutcomeCode>>;
  readonly messages?: Partial<Record<Check, string>>;
  readonly stages?: Partial<Record<Check, number>>;
  /**
   * The field's `pattern` is the one rule of visible text (kernel/visible-text.ts), on one
   * `line` or several `lines`: its refusal names the character refused and where, or says the
   * text is blank; `messages.pattern` states the rule, for the document.
   */
  readonly visible?: 'line' | 'lines';
}

const X_ERROR = 'x-error';

const requiredMessage = '"{field}" is required.';

function annotated<T extends TSchema>(schema: T, error: FieldError): T {
  return { ...schema, [X_ERROR]: error } as T;
}

/**
 * A text field of at most `maxLength` characters (256 when not said). `rules`: the codes of the
 * rules its value meets later, in the use case (`x-rules`, for the document only): the phone
 * and identity number rules of web/js/text-fields.js come after the rate limits, which need
 * the field's shape first.
 */
export const text = (opts: { maxLength?: number; description?: string;
  rules?: readonly OutcomeCode[] } = {}) => {
  const maxLength = opts.maxLength ?? 256;
  return annotated(Type.String({ maxLength,
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.rules ? { 'x-rules': opts.rules } : {}) }),
  { messages: { required: requiredMessage, type: '"{field}" must be a string.',
    maxLength: `"{field}" must be at most ${maxLength} characters.` } });
};

/** A time field: text by the one strict parser (kernel/iso-time.ts), checked after the types. */
/**
 * The years an operator's time may fall in: a launch or a window in year 0 or 9999 is a typing
 * slip, never a plan (the parser itself takes any year RFC 3339 can write).
 */
const YEAR_MIN = 2000;
const YEAR_MAX = 2099;

export const time = (opts: { description?: string } = {}) => annotated(Type.String({
  maxLength: 256, format: 'rfc3339-strict', 'x-year-range': [YEAR_MIN, YEAR_MAX],
  description: opts.description ?? `RFC 3339 date-time with Z or an offset, in the years `
    + `${YEAR_MIN} to ${YEAR_MAX}` }),
{ messages: { required: requiredMessage, type: '"{field}" must be a string.',
  maxLength: '"{field}" must be at most 256 characters.', format: isoTimeRule('{field}'),
  'x-year-range': `"{field}" must be a time in the years ${YEAR_MIN} to ${YEAR_MAX}.` },
stages: { format: 1, 'x-year-range': 1 } });

/** true or false. */
export const flag = (opts: { description?: string } = {}) => annotated(Type.Boolean(
  opts.description ? { description: opts.description } : {}),
{ messages: { required: requiredMessage, type: '"{field}" must be true or false.' } });

/**
 * A whole number (a safe integer, as Number.isSafeInteger); with a range, the range is checked
 * after every field's type, with `rangeMessage`.
 */
export const whole = (opts: { minimum?: number; maximum?: number; rangeMessage?: string;
  description?: string } = {}) => annotated(Type.Integer({ format: 'safe-integer',
  ...(opts.minimum !== undefined ? { minimum: opts.minimum } : {}),
  ...(opts.maximum !== undefined ? { maximum: opts.maximum } : {}),
  ...(opts.description ? { description: opts.description } : {}) }),
{ messages: { required: requiredMessage, type: '"{field}" must be a whole number.',
  format: '"{field}" must be a whole number.',
  ...(opts.rangeMessage ? { minimum: opts.rangeMessage, maximum: opts.rangeMessage } : {}) },
stages: { minimum: 1, maximum: 1 } });

/** A list of at most `maxItems` (32) texts of at most `maxLength` (256) characters each. */
export const textList = (opts: { maxItems?: number; maxLength?: number; description?: string;
  items?: TSchema } = {}) => {
  const maxItems = opts.maxItems ?? 32;
  return annotated(Type.Array(opts.items ?? Type.String({ maxLength: opts.maxLength ?? 256 }),
    { maxItems, ...(opts.description ? { description: opts.description } : {}) }),
  { messages: { required: requiredMessage, type: '"{field}" must be a list of strings.',
    items: '"{field}" must be a list of strings.',
    maxItems: `"{field}" must be a list of at most ${maxItems}.` } });
};

/**
 * Free text a person types and another reads, on one line (a delivery address, a note kept in
 * the audit log): at most `maxLength` (256) characters, by the one rule of visible text
 * (kernel/visible-text.ts); a refusal is `invalid_request` naming the character refused.
 */
export const visibleText = (opts: { maxLength?: number; description?: string } = {}) => {
  const maxLength = opts.maxLength ?? 256;
  return annotated(Type.String({ maxLength, pattern: VISIBLE_TEXT_PATTERN,
    description: `${opts.description ? `${opts.description}: ` : ''}1 to ${maxLength} `
      + `characters of ${visibleTextRule()}` }),
  { visible: 'line', messages: { required: requiredMessage, type: '"{field}" must be a string.',
    maxLength: `"{field}" must be at most ${maxLength} characters.`,
    pattern: `"{field}" must be ${visibleTextRule()}.` } });
};

/**
 * The reason an operator gives, the one schema of every operator's `reason`: at most
 * `maxLength` characters (else `invalid_request`, saying so), text that shows on one line or
 * several (the one rule of visible text, kernel/visible-text.ts, with line breaks); anything
 * else (absent too) is `reason_required`, saying which rule it broke and naming the character
 * refused.
 */
export const reason = (maxLength: number) => annotated(Type.String({ maxLength,
  pattern: VISIBLE_LINES_PATTERN, description: `Why the operator acts: 1 to ${maxLength} `
    + `characters of ${visibleTextRule(true)}` }),
{ code: 'reason_required', codes: { maxLength: 'invalid_request' }, visible: 'lines',
  messages: { maxLength: `"{field}" must be at most ${maxLength} characters.`,
    pattern: `"{field}" must be ${visibleTextRule(true)}.` } });

/**
 * An optional field: absent, or null, reads as not given (as the hand-written checks read it).
 * JSON Schema says so with `"type": [type, "null"]`, which keeps the checks of `schema` and
 * their messages.
 */
export function maybe<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type;
  return Type.Optional(Type.Unsafe<Static<T> | null>({ ...schema,
    type: [type as string, 'null'] }));
}

interface QueryTextOptions {
  maxLength?: number; pattern?: string; patternMessage?: string; patternStage?: number;
  description?: string;
}

function queryTextSchema(opts: QueryTextOptions) {
  const maxLength = opts.maxLength ?? 64;
  const textMessage =
    `"{field}" must be at most ${maxLength} characters, none of them control characters.`;
  return annotated(Type.String({ maxLength, format: 'no-control',
    ...(opts.pattern ? { pattern: opts.pattern } : {}),
    ...(opts.description ? { description: opts.description } : {}) }),
  { messages: { required: requiredMessage, type: '"{field}" may be given only once.',
    maxLength: textMessage, format: textMessage,
    ...(opts.patternMessage ? { pattern: opts.patternMessage } : {}) },
  stages: { pattern: opts.patternStage ?? 0 } });
}

/** A query parameter's text: once, at most `maxLength` characters, no control characters. */
export const queryText = (opts: QueryTextOptions = {}) => Type.Optional(queryTextSchema(opts));

/**
 * The same, for a parameter the route cannot answer without: absent is 422 `invalid_request`
 * '"{field}" is required.', and the contract says it is required.
 */
export const requiredQueryText = (opts: QueryTextOptions = {}) => queryTextSchema(opts);

/**
 * A whole-number query parameter from `min` to `max`: plain decimal digits only ("1.5", "1e3",
 * "0x10", " 7" and "" are refused, never clamped), once.
 */
export const queryWhole = (min: number, max: number, fallback: number) => {
  const message = `"{field}" must be a whole number from ${min} to ${max}.`;
  return Type.Optional(annotated(Type.String({ pattern: '^[0-9]{1,15}$',
    'x-whole-range': [min, max], default: String(fallback),
    description: `A whole number from ${min} to ${max}; ${fallback} when absent` }),
  { messages: { type: '"{field}" may be given only once.', pattern: message,
    'x-whole-range': message } }));
};

/**
 * A request body (or query) takes no field it does not declare: the first other one is refused, after
 * every declared field's checks, with 422 `invalid_request` '"x" is not a field of this
 * request: check its spelling.' A misspelt optional field would otherwise be ignored and the
 * request done without it: a purchase of 1 unit for `"quantiy": 2`, an order change that keeps
 * its options for `"option"`, a waiting room's grace left at its default. Every route's body is
 * closed here, when the app compiles its contract (http-app.ts), so that no capability can
 * forget it (drops, rooms, deliveries and the buyers' bodies had). A body that states
 * `additionalProperties` itself keeps its own.
 */
export function closedFields<T extends TSchema>(body: T): T {
  return closedObjects(body) as T;
}

/**
 * `schema` with every object that declares its `properties` closed, nested ones too (a
 * production run's `cars` rows: a row's `"option"` recorded the car with the trim's default
 * options, for good). An object that states `additionalProperties` (a map such as
 * `capacity_per_week`) keeps it; one without `properties` is a map, left open.
 */
function closedObjects(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...s };
  const props = s.properties as Record<string, unknown> | undefined;
  if (props !== undefined) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) =>
      [k, closedObjects(v)]));
    if (!('additionalProperties' in s)) out.additionalProperties = false;
  }
  if (s.items !== undefined) out.items = closedObjects(s.items);
  return out;
}

/** The Idempotency-Key header's rule: 1-64 letters, digits, - or _. */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** The Idempotency-Key header as a route's contract documents it (required). */
export const idempotencyKeyHeader = (description: string) => ({ 'idempotency-key': {
  schema: Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN }), required: true, description } });

/**
 * A write's Idempotency-Key header (orders, drop purchases): the key, or
 * `idempotency_key_missing` when it is absent, repeated or not by the rule.
 */
export function idempotencyKey(headers: Readonly<Record<string, string | string[] | undefined>>):
  Result<string> {
  const key = headers['idempotency-key'];
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key) ? { ok: true, value: key }
    : refuse('idempotency_key_missing');
}

/**
 * A reply schema that also allows null: `"type": [type, "null"]`, or for a schema without one
 * type (a union of literals: `anyOf`) `anyOf: [schema, null]`, since `[undefined, "null"]`
 * is no JSON Schema at all.
 */
export function orNull<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type;
  return Type.Unsafe<Static<T> | null>(typeof type === 'string'
    ? { ...schema, type: [type, 'null'] } : { anyOf: [schema, { type: 'null' }] });
}

// One Ajv for every schema: the formats and keywords the fields above use, every failure
// reported (allErrors: only the failure path reads them), 2020-12 as OpenAPI 3.1 is.
// `unicode: false`: a length is counted in UTF-16 code units, as JavaScript's `length` and the
// hand-written checks counted it (JSON Schema counts code points: 33 emoji would pass a
// maxLength of 64 that refused them before).
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false,
  validateFormats: true, unicode: false, logger: {
    log: () => {},
    // Ajv calls `unicode` deprecated; it is what keeps the old lengths, so that is no news.
    warn: (...args: unknown[]) => {
      if (!String(args[0]).includes('option unicode')) console.warn(...args);
    },
    error: (...args: unknown[]) => console.error(...args),
  } });
ajv.addKeyword({ keyword: X_ERROR });
ajv.addKeyword({ keyword: 'example' });
// The codes of the rules a field meets in its use case (`text`'s `rules`): documentation.
ajv.addKeyword({ keyword: 'x-rules' });
// A reply shape the document names once, under components.schemas (openapi.ts).
ajv.addKeyword({ keyword: 'x-component' });
ajv.addKeyword({ keyword: 'x-whole-range', type: 'string', schemaType: 'array',
  validate: (range: [number, number], data: string) => {
    const n = Number(data);
    return n >= range[0] && n <= range[1];
  } });
ajv.addKeyword({ keyword: 'x-year-range', type: 'string', schemaType: 'array',
  validate: (range: [number, number], data: string) => {
    const ms = parseIsoTime(data);
    // A time the parser refuses is the format's failure, not this one's.
    if (ms === null) return true;
    const year = new Date(ms).getUTCFullYear();
    return year >= range[0] && year <= range[1];
  } });
ajv.addFormat('rfc3339-strict', { type: 'string', validate: (s) => parseIsoTime(s) !== null });
// The times of replies (views.ts's iso): what the strict parser takes.
ajv.addFormat('date-time', { type: 'string', validate: (s) => parseIsoTime(s) !== null });
ajv.addFormat('safe-integer', { type: 'number', validate: (n) => Number.isSafeInteger(n) });
// PostgreSQL refuses a NUL in text outright (an error, so a 500); no query text holds one.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
ajv.addFormat('no-control', { type: 'string', validate: (s) => !CONTROL.test(s) });

/** Validates one request part: null when it passes, else the refusal of its first failure. */
export type FieldCheck = (data: unknown) => Refusal | null;

interface FieldInfo {
  readonly index: number;
  readonly required: boolean;
  readonly error: FieldError;
}

// Compiled checks by their schema's text: the same declaration (same limits) compiles once per
// process however many apps a test starts.
const compiled = new Map<string, FieldCheck>();

/**
 * Compiles an object schema of fields into a check, once. The refusal of a failing value is the
 * first failing check by (stage, field's place in the schema, check's place in CHECKS), with the
 * field's code and message.
 */
export function compileFields(schema: TSchema, part: RequestPart = 'field'): FieldCheck {
  const key = `${part}\u0000${JSON.stringify(schema)}`;
  const known = compiled.get(key);
  if (known) return known;
  const validate: ValidateFunction = ajv.compile(schema);
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  const fields = new Map<string, FieldInfo>(Object.entries(props).map(([name, s], index) =>
    [name, { index, required: required.has(name),
      error: ((s as Record<string, unknown>)[X_ERROR] ?? {}) as FieldError }]));
  // The value as a whole (not an object at all): before any field.
  fields.set('', { index: -1, required: false,
    error: ((schema as Record<string, unknown>)[X_ERROR] ?? {}) as FieldError });
  const judge = (data: unknown): Refusal | null => (validate(data) ? null
    : firstRefusal(validate.errors ?? [], fields, data as Record<string, unknown>, part));
  const declared = new Set(Object.keys(props));
  const closed = (schema as { additionalProperties?: unknown }).additionalProperties === false;
  // A closed object with fields it does not take is judged without them, then refused for the
  // first of them (they rank after every declared field's checks, so the refusal is the same):
  // every one of them was an error object of Ajv's (allErrors), 2,000 of them in a 16 KB body
  // to a public route cost 3.3 ms of the event loop, against 0.7 ms for a body of one field.
  // The success path stays one compiled call with nothing allocated: the names are looked
  // over in place (a parsed body has no inherited enumerable names), and copied only when one
  // is not declared.
  const check: FieldCheck = !closed ? judge : (data) => {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return judge(data);
    const own = data as Record<string, unknown>;
    let unknown: string | undefined;
    for (const k in own) {
      if (!declared.has(k)) {
        unknown = k;
        break;
      }
    }
    if (unknown === undefined) return judge(data);
    return judge(Object.fromEntries(Object.keys(own).filter((k) => declared.has(k))
      .map((k) => [k, own[k]]))) ?? refuse('invalid_request', notAField(shortName(unknown), part));
  };
  compiled.set(key, check);
  return check;
}

/**
 * The refusal's words for a field the request does not take. The name is quoted as JSON, so a
 * name holding a quote or a control character reads as one name ("a\" is fine; \"b").
 */
export const notAField = (name: string, part: RequestPart = 'field'): string =>
  `${JSON.stringify(name)} is not a ${part} of this request: check its spelling.`;

/** What a compiled check reads: a body's fields, or a query's parameters. */
export type RequestPart = 'field' | 'parameter';

/** A name as quoted in a refusal: outcomes.ts `shortText`, the one cut of a caller's text. */
export const shortName = shortText;

/** Unknown fields are reported after every known field's checks (stages run 0, 1, 2). */
const UNKNOWN_FIELD_STAGE = 9;

function firstRefusal(errors: readonly ErrorObject[], fields: ReadonlyMap<string, FieldInfo>,
  data: Record<string, unknown>, part: RequestPart): Refusal {
  let best: { rank: number[]; name: string; check: Check; info: FieldInfo } | null = null;
  for (const e of errors) {
    const parts = e.instancePath.split('/');
    // A field the request does not take (a closed body, or a closed row of one of its lists:
    // `cars[0].optionz`): after every check of the fields it does.
    if (e.keyword === 'additionalProperties') {
      const given = (e.params as { additionalProperty: string }).additionalProperty;
      const name = [...parts.slice(1).map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]`
        : `${i === 0 ? '' : '.'}${p}`)), `${parts.length > 1 ? '.' : ''}${shortName(given)}`]
        .join('');
      const rank = [UNKNOWN_FIELD_STAGE, 0, 0];
      if (best === null || before(rank, best.rank)) {
        best = { rank, name, check: 'required', info: { index: 0, required: false, error: {
          messages: { required: notAField(name, part) },
        } } };
      }
      continue;
    }
    const name = e.keyword === 'required'
      ? (e.params as { missingProperty: string }).missingProperty : parts[1] ?? '';
    if (name === '' && e.keyword !== 'type') continue;
    const info = fields.get(name);
    if (!info) continue;
    let check: Check = parts.length > 2 ? 'items' : e.keyword as Check;
    const v = name === '' ? data : data[name];
    if (check === 'type' && info.required && (v === undefined || v === null)) check = 'required';
    const stage = info.error.stages?.[check] ?? 0;
    const rank = [stage, info.index, CHECKS.indexOf(check)];
    if (best === null || before(rank, best.rank)) best = { rank, name, check, info };
  }
  if (best === null) return refuse('invalid_request');
  const code = best.info.error.codes?.[best.check] ?? best.info.error.code ?? 'invalid_request';
  const message = best.info.error.messages?.[best.check]?.replaceAll('{field}', best.name);
  const visible = best.info.error.visible;
  const value = best.check === 'pattern' && visible !== undefined ? data[best.name] : undefined;
  if (typeof value === 'string') {
    // The character refused and its place, which the pattern's fixed words cannot say.
    const named = visibleTextMessage(`"${best.name}"`, value, visible === 'lines');
    return refuse(code, named === null ? message : `${named}.`);
  }
  return refuse(code, message);
}

const before = (a: readonly number[], b: readonly number[]): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
};

/**
 * A query string as an object for its schema: a parameter given once is its text, one given
 * more than once the list of its texts (which its schema refuses: "may be given only once").
 */
export function queryObject(url: URL): Record<string, string | string[]> {
  // No prototype: a parameter named "__proto__" is only a parameter.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const name of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(name);
    out[name] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/** Compiles a reply schema, for the tests that hold real replies to their declarations. */
export function compileReply(schema: TSchema): ValidateFunction {
  return ajv.compile(schema);
}

/** A whole-number query parameter its schema passed (`queryWhole`), or `fallback` if absent. */
export const queryNumber = (raw: string | undefined, fallback: number): number =>
  (raw === undefined ? fallback : Number(raw));
