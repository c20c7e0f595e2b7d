export {};
//# sourceMappingURL=notifications-store.js.map