export {};
//# sourceMappingURL=production-store.js.map