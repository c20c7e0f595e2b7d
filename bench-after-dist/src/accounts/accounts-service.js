import { ok } from '../kernel/outcomes.js';
import { validateIdNumber, validateName, validatePhone } from './identity.js';
import { Sessions } from './sessions.js';
export class AccountsService {
    deps;
    submit;
    /** Buyers' sessions and operators: who a bearer token stands for (sessions.ts). */
    sessions;
    constructor(deps, submit) {
        this.deps = deps;
        this.submit = submit;
        this.sessions = new Sessions({ store: deps.store, clock: deps.clock, sms: deps.sms,
            limits: deps.limits, showCodes: deps.showCodes, log: deps.log ?? (() => { }) });
    }
    // ---------- identity ----------
    authenticate(token) {
        return this.sessions.authenticate(token);
    }
    validateRegistration(input) {
        // Each field in its stored form (web/js/text-fields.js): one person, one key.
        const phone = validatePhone(input.phone);
        if (!phone.ok)
            return phone;
        const name = validateName(input.name);
        if (!name.ok)
            return name;
        const id = validateIdNumber(input.idNumber, this.deps.clock.nowMs());
        if (!id.ok)
            return id;
        return ok({ phone: phone.value, name: name.value, idNumber: id.value });
    }
    /**
     * Registers a buyer, who is signed in at once: the reply's token is the buyer's own.
     */
    async register(input) {
        const valid = this.validateRegistration(input);
        if (!valid.ok)
            return valid;
        const { token, tokenHash } = this.sessions.newToken();
        const r = await this.submit('register', { ...valid.value, tokenHash });
        if (!r.ok)
            return r;
        // The buyer's next request carries this token: the process that issued it knows it.
        this.sessions.rememberNew(token, r.value, r.value.createdAtMs);
        return ok({ account: r.value, token });
    }
    /**
     * An operator's import of one validated buyer: no session is made (buyers sign in
     * themselves), and it is bounded by its own limit and never cut short by load shedding,
     * which would leave part of a list registered.
     */
    async importAccount(valid) {
        return this.submit('register', { ...valid, tokenHash: null }, true);
    }
    requestCode(phone) {
        return this.sessions.requestCode(phone);
    }
    signIn(phone, code) {
        return this.sessions.signIn(phone, code);
    }
}
//# sourceMappingURL=accounts-service.js.map