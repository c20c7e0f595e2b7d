export {};
//# sourceMappingURL=drops-store.js.map