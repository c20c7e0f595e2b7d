export {};
//# sourceMappingURL=launches-store.js.map