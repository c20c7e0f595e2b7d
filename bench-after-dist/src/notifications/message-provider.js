/** Why a provider did not accept a message, and whether trying again may help. */
export class ProviderError extends Error {
    retryable;
    retryAfterMs;
    constructor(message, retryable, 
    /** How long the provider asked to wait (a rate limit's Retry-After), ms. */
    retryAfterMs = null) {
        super(message);
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }
}
//# sourceMappingURL=message-provider.js.map