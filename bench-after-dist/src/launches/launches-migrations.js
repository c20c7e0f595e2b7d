export const launchesMigrations = [
    {
        version: 1,
        sql: (d) => `
      CREATE TABLE launches (launch_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE change_windows (window_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    `,
    },
];
//# sourceMappingURL=launches-migrations.js.map