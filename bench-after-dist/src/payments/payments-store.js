// Payments' part of the storage port: the payment outbox, provider notifications and anomalies.
// Both adapters implement it (payments-sqlite.ts, payments-postgres.ts) and pass its contract
// (payments-store.contract.ts). The composed Store and StoreTx (kernel/store/store.ts) take these
// methods by declaration merging.
export {};
//# sourceMappingURL=payments-store.js.map