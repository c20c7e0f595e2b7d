// Accounts' use cases: registration, an operator's import, sign-in by code, and who a token
// stands for (sessions.ts). Registrations are written by group commit (account-commands.ts).
import { transactionWrite, type BatchWrite } from '../kernel/write/batch-handlers.js';
import type { Clock } from '../kernel/clock.js';
import type { Limits } from '../kernel/config.js';
import type { Submit } from '../kernel/core.js';
import { ok, type Result } from '../kernel/outcomes.js';
import type { Store } from '../kernel/store/store.js';
import type { accountCommands, RegisterCommand } from './account-commands.js';
import type { Account } from './accounts-store.js';
import { validateIdNumber, validateName, validatePhone } from './identity.js';
import { Sessions, type Caller } from './sessions.js';
import type { SmsSender } from './sms.js';

export interface AccountsDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly sms: SmsSender;
  readonly limits: Limits;
  /**
   * Shown in the reply to a code request: only in the development setting
   * (LAUNCHDAY_DEV_SHOW_CODES=on) with the sandbox SMS sender.
   */
  readonly showCodes: boolean;
  readonly log?: (line: string) => void;
}

export class AccountsService {
  /** Buyers' sessions and operators: who a bearer token stands for (sessions.ts). */
  readonly sessions: Sessions;

  constructor(private readonly deps: AccountsDeps,
    private readonly submit: Submit<ReturnType<typeof accountCommands>>,
    write: BatchWrite = transactionWrite(deps.store)) {
    this.sessions = new Sessions({ store: deps.store, clock: deps.clock, sms: deps.sms,
      limits: deps.limits, showCodes: deps.showCodes, log: deps.log ?? (() => {}), write });
  }

  // ---------- identity ----------
  authenticate(token: string): Promise<Caller | null> {
    return this.sessions.authenticate(token);
  }

  validateRegistration(input: { phone: string; name: string; idNumber: string }):
    Result<Omit<RegisterCommand, 'tokenHash'>> {
    // Each field in its stored form (web/js/text-fields.js): one person, one key.
    const phone = validatePhone(input.phone);
    if (!phone.ok) return phone;
    const name = validateName(input.name);
    if (!name.ok) return name;
    const id = validateIdNumber(input.idNumber, this.deps.clock.nowMs());
    if (!id.ok) return id;
    return ok({ phone: phone.value, name: name.value, idNumber: id.value });
  }

  /**
   * Registers a buyer, who is signed in at once: the reply's token is the buyer's own.
   */
  async register(input: { phone: string; name: string; idNumber: string }):
    Promise<Result<{ account: Account; token: string }>> {
    const valid = this.validateRegistration(input);
    if (!valid.ok) return valid;
    const { token, tokenHash } = this.sessions.newToken();
    const r = await this.submit('register', { ...valid.value, tokenHash });
    if (!r.ok) return r;
    // The buyer's next request carries this token: the process that issued it knows it.
    this.sessions.rememberNew(token, r.value, r.value.createdAtMs);
    return ok({ account: r.value, token });
  }

  /**
   * An operator's import of one validated buyer: no session is made (buyers sign in
   * themselves), and it is bounded by its own limit and never cut short by load shedding,
   * which would leave part of a list registered.
   */
  async importAccount(valid: Omit<RegisterCommand, 'tokenHash'>): Promise<Result<Account>> {
    return this.submit('register', { ...valid, tokenHash: null }, true);
  }

  requestCode(phone: string): Promise<Result<{ code: string | null }>> {
    return this.sessions.requestCode(phone);
  }

  signIn(phone: string, code: string): Promise<Result<{ account: Account; token: string }>> {
    return this.sessions.signIn(phone, code);
  }
}
