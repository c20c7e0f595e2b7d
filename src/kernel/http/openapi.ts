// The OpenAPI 3.1 document of the API, generated from the routes' own declarations
// (schema.ts's RouteSchema) and the outcome catalogue (kernel/outcomes.ts): built once at start
// and served as prepared bytes at GET /api/v1/openapi.json.
import type { TSchema } from '@sinclair/typebox';
import { carriesRetryAfter, outcomes, type OutcomeCode } from '../outcomes.js';
import type { RouteSchema } from './schema.js';

/** Who may call a route: anyone, a signed-in buyer or operator, a buyer, an operator. */
export type Access = 'public' | 'signed_in' | 'buyer' | 'admin';

/** What the document needs of a route. */
export interface DocumentedRoute {
  readonly method: string;
  /** The route's path after /api/v1, with `:name` parameters. */
  readonly path: string;
  readonly access: Access;
  readonly contract: RouteSchema;
}

/**
 * Refusals any route can give: the framing, the connections of one address, the load, the
 * store, the unexpected.
 */
export const EVERY_ROUTE: readonly OutcomeCode[] = ['malformed_request', 'request_timeout',
  'headers_too_large', 'too_many_connections', 'transfer_coding_unsupported',
  'content_encoding_unsupported', 'route_not_found', 'method_not_allowed', 'overloaded',
  'store_unavailable', 'internal_error'];
/** Refusals of a route that reads a JSON body. */
export const JSON_BODY: readonly OutcomeCode[] = ['invalid_json', 'body_too_large',
  'unsupported_media_type', 'invalid_request', 'text_not_well_formed'];

/**
 * Refusals of a route that reads its JSON body as sent (a provider's signed notification: the
 * signature is over the raw bytes, so no content type is asked for before the check).
 */
export const RAW_JSON_BODY: readonly OutcomeCode[] = ['invalid_json', 'body_too_large',
  'invalid_request', 'text_not_well_formed'];

const ACCESS_ERRORS: Record<Access, readonly OutcomeCode[]> = {
  public: [], signed_in: ['unauthorized'], buyer: ['unauthorized', 'invalid_request'],
  admin: ['unauthorized', 'admin_only'],
};

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [], signed_in: [{ buyer: [] }, { operator: [] }], buyer: [{ buyer: [] }],
  admin: [{ operator: [] }],
};

/** Every code a route can answer with, in the catalogue's order. */
export function routeCodes(route: DocumentedRoute): OutcomeCode[] {
  const c = route.contract;
  const codes = new Set<OutcomeCode>([...EVERY_ROUTE, ...ACCESS_ERRORS[route.access],
    ...(c.body ? JSON_BODY : []), ...(c.rawBody ? RAW_JSON_BODY : []),
    ...(c.query ? ['invalid_request' as const, 'text_not_well_formed' as const] : []),
    ...schemaCodes(c.body), ...schemaCodes(c.query), ...(c.errors ?? [])]);
  return (Object.keys(outcomes) as OutcomeCode[]).filter((code) => codes.has(code));
}

/**
 * The codes a schema's fields refuse with (their `x-error` code, schema.ts `annotated`) and
 * the rules they meet later (`x-rules`), anywhere in it: a field such as `reason()` answers
 * `reason_required`, which a route's contract would otherwise have to repeat by hand.
 */
function schemaCodes(schema: unknown): OutcomeCode[] {
  const out: OutcomeCode[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const code = (o['x-error'] as { code?: OutcomeCode } | undefined)?.code;
    if (code !== undefined) out.push(code);
    if (Array.isArray(o['x-rules'])) out.push(...o['x-rules'] as OutcomeCode[]);
    for (const [k, child] of Object.entries(o)) if (k !== 'x-error') walk(child);
  };
  walk(schema);
  return out;
}

/**
 * A schema as plain JSON, with `{field}` in its fields' messages replaced by their names, and
 * each named reply shape (`x-component`) put once in `components` and referred to.
 */
function plain(schema: TSchema, components?: Map<string, unknown>): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(schema), (_key, v: unknown) => {
    const name = (v as { 'x-component'?: string } | null)?.['x-component'];
    if (components === undefined || typeof name !== 'string') return v;
    components.set(name, v);
    return { $ref: `#/components/schemas/${name}` };
  }) as Record<string, unknown>;
  const props = json.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, p] of Object.entries(props ?? {})) {
    if (p['x-error'] !== undefined) {
      p['x-error'] = JSON.parse(JSON.stringify(p['x-error']).replaceAll('{field}', name));
    }
  }
  return json;
}

const RETRY_AFTER = { $ref: '#/components/headers/RetryAfter' };

const openApiPath = (path: string): string => path.replace(/:([a-z_]+)/g, '{$1}');

const operationId = (method: string, path: string): string => `${method.toLowerCase()}${
  path.replace(/[:/-]+([a-z])/g, (_, c: string) => c.toUpperCase())}`;

function operation(route: DocumentedRoute, components: Map<string, unknown>):
  Record<string, unknown> {
  const c = route.contract;
  const parameters: Array<Record<string, unknown>> = [];
  for (const m of route.path.matchAll(/:([a-z_]+)/g)) {
    parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  const query = c.query ? plain(c.query) : null;
  for (const [name, schema] of Object.entries(
    (query?.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    parameters.push({ name, in: 'query', required: false, schema });
  }
  for (const [name, h] of Object.entries(c.headers ?? {})) {
    parameters.push({ name, in: 'header', required: h.required, description: h.description,
      schema: plain(h.schema) });
  }
  const responses: Record<string, unknown> = {};
  const media = c.replyMediaType ?? 'application/json';
  for (const [status, schema] of Object.entries(c.replies)) {
    responses[status] = { description: c.summary,
      content: { [media]: { schema: plain(schema, components) } },
      ...(status === '503' ? { headers: { 'Retry-After': RETRY_AFTER } } : {}) };
  }
  const byStatus = new Map<number, OutcomeCode[]>();
  for (const code of routeCodes(route)) {
    const status = outcomes[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = codes.some(carriesRetryAfter);
    const refusal = {
      description: `Refused: ${codes.join(', ')}`,
      'x-codes': codes,
      ...(retry ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' },
        examples: Object.fromEntries(codes.map((code) => [code,
          { $ref: `#/components/examples/${code}` }])) } },
    };
    const key = String(status);
    const success = responses[key] as Record<string, unknown> | undefined;
    // A status that is both a reply and a refusal (503 of /health): one response, either body.
    responses[key] = success === undefined ? refusal : { ...success,
      description: `${String(success.description)}; or refused: ${codes.join(', ')}`,
      'x-codes': codes,
      content: { 'application/json': { schema: { oneOf: [
        (success.content as Record<string, { schema: unknown }>)[media]!.schema,
        { $ref: '#/components/schemas/Error' }] } } } };
  }
  const body = c.body ?? c.rawBody;
  return {
    operationId: operationId(route.method, route.path),
    summary: c.summary,
    'x-access': route.access,
    security: SECURITY[route.access],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: {
      required: ((body as { required?: string[] }).required ?? []).length > 0,
      content: { 'application/json': { schema: plain(body) } } } } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of `routes`: every route's method, path, parameters, body, replies
 * (success and every refusal it can give, by status), and who may call it; the whole outcome
 * catalogue under components.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], version: string):
  Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components = new Map<string, unknown>();
  for (const r of routes) {
    const p = (paths[openApiPath(r.path)] ??= {});
    p[r.method.toLowerCase()] = operation(r, components);
  }
  const codes = Object.keys(outcomes) as OutcomeCode[];
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: { title: 'launchday', version,
      description: 'Launch-night order intake: deposits, locks, queue places, delivery '
        + 'estimates. Money is integer fen; times are RFC 3339. See docs/api.md.' },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      securitySchemes: {
        buyer: { type: 'http', scheme: 'bearer',
          description: 'A buyer\'s session token (ldt_...), from POST /accounts or /sessions' },
        operator: { type: 'http', scheme: 'bearer',
          description: 'An operator\'s token (ldadmin_...)' },
      },
      // Each code's refusal as an example, once, referred to by every route that gives it.
      examples: Object.fromEntries(codes.map((code) => [code, {
        summary: `${outcomes[code].status} ${code}`,
        value: { error: { code, message: outcomes[code].message } } }])),
      headers: { RetryAfter: { description: 'Seconds until a retry can pass',
        schema: { type: 'integer', minimum: 0 } } },
      schemas: {
        ...Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'object',
          required: ['code', 'message'], properties: {
            code: { type: 'string', enum: codes },
            message: { type: 'string', description: 'For a person; the code is stable' },
            tries_left: { type: 'integer', minimum: 0, description: 'code_invalid only: wrong '
              + 'codes this phone may still send before too_many_attempts (absent when the '
              + 'rate limits are off)' },
          } } } },
      },
      'x-outcomes': Object.fromEntries(codes.map((code) => [code, {
        status: outcomes[code].status, transient: outcomes[code].transient,
        message: outcomes[code].message }])),
    },
  };
}
