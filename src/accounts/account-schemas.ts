// The contract of the accounts' endpoints (account-routes.ts: registration, sign-in, the
// import and the audit log; session-routes.ts, operator-routes.ts): each
// request's fields with the code and message of every check, and each reply's shape. Validated
// by kernel/http/schema.ts, published by kernel/http/openapi.ts.
import { Type } from '@sinclair/typebox';
import type { RouteContract } from '../kernel/http/schema.js';
import { queryWhole, reason, text } from '../kernel/http/schema.js';

const Str = Type.String();
const Int = Type.Integer();
const Time = Type.String({ format: 'date-time' });

export const AccountView = Type.Object({
  account_id: Str, phone: Str, name: Str, id_number_masked: Str, role: Str,
}, { 'x-component': 'Account' });

export const AccountWithToken = Type.Object({
  account_id: Str, phone: Str, name: Str, id_number_masked: Str, role: Str,
  token: Type.String({ description: 'The new session\'s bearer token, shown this once' }),
});

/** The registration fields, as POST /accounts and each import row take them. */
export const RegistrationFields = Type.Object({
  phone: text({ maxLength: 32, description: 'Mainland mobile number (web/js/text-fields.js)',
    rules: ['invalid_phone'] }),
  name: text({ maxLength: 200, description: '1 to 64 characters once normalised',
    rules: ['invalid_name'] }),
  id_number: text({ maxLength: 32, description: 'Resident identity number, 18 characters',
    rules: ['invalid_id_number', 'id_number_check_mismatch'] }),
});

const REGISTRATION_ERRORS = ['invalid_phone', 'invalid_name', 'invalid_id_number',
  'id_number_check_mismatch'] as const;

export const register: RouteContract = () => ({ summary: 'Register a buyer (and sign in)',
  body: RegistrationFields, replies: { 201: AccountWithToken },
  errors: ['rate_limited', ...REGISTRATION_ERRORS, 'phone_taken', 'id_number_taken'] });

export const requestCode: RouteContract = () => ({
  summary: 'Text a sign-in code to a registered phone (the same reply for every valid phone)',
  body: Type.Object({ phone: text({ maxLength: 32, rules: ['invalid_phone'] }) }),
  replies: { 202: Type.Object({ sent: Type.Literal(true), expires_in_seconds: Type.Integer(),
    texted: Type.Boolean({ description: 'False when this server\'s SMS provider is the sandbox, '
      + 'which texts nothing: an operator reads the code (GET /admin/sandbox/sms)' }),
    dev_code: Type.Optional(Type.String({ description: 'Only with LAUNCHDAY_DEV_SHOW_CODES=on' })),
  }) },
  errors: ['rate_limited', 'invalid_phone'] });

export const signIn: RouteContract = () => ({ summary: 'Sign in with a texted code',
  body: Type.Object({ phone: text({ maxLength: 32 }), code: text({ maxLength: 16 }) }),
  replies: { 201: AccountWithToken },
  errors: ['rate_limited', 'too_many_attempts', 'code_invalid', 'invalid_phone'] });

export const me: RouteContract = () => ({ summary: 'Who the token is',
  replies: { 200: Type.Union([AccountView,
    Type.Object({ role: Type.Literal('admin'), actor: Str })]) } });

export const listSessions: RouteContract = () => ({ summary: 'The caller\'s sessions',
  replies: { 200: Type.Object({ sessions: Type.Array(Type.Object({ session_id: Str,
    created_at: Time, last_seen_at: Time, ends_at: Time, current: Type.Boolean() })) }) } });

export const signOutEverywhere: RouteContract = () => ({ summary: 'Sign out everywhere',
  replies: { 200: Type.Object({ revoked: Type.Integer() }) } });

export const signOutSession: RouteContract = () => ({
  summary: 'End one session (`current`: this one)',
  replies: { 200: Type.Object({ revoked: Type.Integer() }) }, errors: ['session_not_found'] });

export const importAccounts: RouteContract = (limits) => {
  const max = limits.importAccountsMax;
  const message = `"accounts" must be a list of at most ${max}.`;
  return { summary: 'Register many buyers at once, each row on its own (no sessions)',
    body: Type.Object({ accounts: Type.Unsafe<unknown[]>({ type: 'array', maxItems: max,
      description: 'Rows of {phone, name, id_number} (ImportRow), each checked as POST /accounts '
        + 'checks its body and refused on its own, by its index',
      'x-error': { messages: { required: message, type: message, maxItems: message } } }) }),
    replies: { 200: Type.Object({
      created: Type.Array(Type.Object({ index: Int, account_id: Str, phone: Str })),
      errors: Type.Array(Type.Object({ index: Int, code: Str, message: Str })) }) } };
};

/** One import row, checked on its own (its refusals are reported in the reply by index). */
export const ImportRow = Type.Object({ ...RegistrationFields.properties }, {
  'x-error': { messages: { type: 'Each row must be an object of phone, name, id_number.' } } });

export const auditLog: RouteContract = (limits) => ({ summary: 'The newest audit entries',
  query: Type.Object({ limit: queryWhole(1, limits.auditLogMax,
    Math.min(100, limits.auditLogMax)) }),
  replies: { 200: Type.Object({ entries: Type.Array(Type.Object({ at: Time, actor: Str,
    action: Str, detail: Type.Unknown() })) }) } });

export const operators: RouteContract = () => ({ summary: 'Every operator',
  replies: { 200: Type.Object({ operators: Type.Array(Type.Object({ name: Str,
    created_at: Time, created_by: Str, you: Type.Boolean() })) }) } });

export const createOperator: RouteContract = () => ({
  summary: 'Name a new operator (its token is shown this once)',
  body: Type.Object({ name: text({ maxLength: 64,
    description: '2 to 32 of a-z 0-9 - _' }) }),
  replies: { 201: Type.Object({ name: Str, token: Str }) },
  errors: ['invalid_request', 'operator_exists'] });

export const rotateOperator: RouteContract = () => ({
  summary: 'Give an operator a new token; the old one stops at once',
  replies: { 200: Type.Object({ name: Str, token: Str }) }, errors: ['operator_not_found'] });

export const removeOperator: RouteContract = () => ({ summary: 'Remove an operator',
  replies: { 200: Type.Object({ removed: Str }) },
  errors: ['operator_not_found', 'invalid_request'] });

export const revokeSessions: RouteContract = (limits) => ({
  summary: 'Sign a buyer out everywhere (with a reason)',
  body: Type.Object({ reason: reason(limits.operatorReasonMax) }),
  replies: { 200: Type.Object({ account_id: Str, revoked: Int }) },
  errors: ['reason_required', 'account_not_found'] });

export const sandboxSms: RouteContract = () => ({
  summary: 'The sandbox\'s text messages (this process\'s)',
  replies: { 200: Type.Object({ provider: Str, messages: Type.Array(Type.Object({ phone: Str,
    text: Str, at: Time })) }) } });
