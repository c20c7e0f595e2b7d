export {};
//# sourceMappingURL=orders-store.js.map