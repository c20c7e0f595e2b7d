// The entry point: the only place that reads the environment, listens on a port and handles
// signals. `launchday` serves; `launchday simulate ...` replays a launch night; `launchday
// faults` plays it while killing the server; `launchday backup|restore <file>` copies the store.
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

/** How long a broken process may take to close before it exits anyway. */
const STOP_AFTER_BREAK_MS = 10_000;

async function serve(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`launchday: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const running = await startServer(config);
  const store = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  console.log(`launchday listening on ${running.url}`);
  console.log(`  store: ${store}; clock: ${config.clock}`);
  console.log(`  pages: ${running.url}/ (buyers), ${running.url}/live (live launch), `
    + `${running.url}/admin (operators)`);
  if (running.adminTokenGenerated || !config.adminToken) {
    console.log(`  operator token: ${running.adminToken}`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`launchday: ${signal}, finishing the orders in flight`);
    running.close().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  };
  // Nothing can be written any more: stop, so that a supervisor starts launchday again. Every
  // order acknowledged is on disk; the requests in flight were answered 500 and are retried.
  void running.app.broken.then((err) => {
    if (stopping) return;
    stopping = true;
    console.error(`launchday: ${err.message}; stopping so that it can be started again`);
    // However the closing goes (a stream that never ends, say), the process ends.
    setTimeout(() => process.exit(1), STOP_AFTER_BREAK_MS).unref();
    running.close().finally(() => process.exit(1));
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return -1;
}

/**
 * `launchday backup <file>` (online, while launchday serves) and `launchday restore <file>`
 * (refused while a process has the store open) for the embedded SQLite store in
 * LAUNCHDAY_DATA_DIR. PostgreSQL has its own tools (docs/reliability.md).
 */
async function copyStore(command: 'backup' | 'restore', args: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`launchday: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (args.length !== 1) {
    console.error(`usage: launchday ${command} <file>`);
    return 2;
  }
  if (config.databaseUrl) {
    console.error(`launchday ${command}: the store is PostgreSQL; use pg_dump / pg_restore ` +
      '(docs/reliability.md)');
    return 2;
  }
  const { backupSqlite, restoreSqlite } = await import('./store/sqlite-backup.js');
  const r = command === 'backup' ? backupSqlite(config.dataDir, args[0]!)
    : restoreSqlite(config.dataDir, args[0]!, Date.now());
  if (!r.ok) {
    console.error(`launchday ${command}: ${r.message} (${r.reason})`);
    return 1;
  }
  const rows = Object.entries(r.value.rows).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`launchday ${command}: ${r.value.file}, ${r.value.bytes} bytes; rows: ${rows}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'simulate') {
    const mod = await import(new URL('../sim/simulate.js', import.meta.url).href);
    return mod.runSimulate(rest);
  }
  if (command === 'faults') {
    const mod = await import(new URL('../sim/faults.js', import.meta.url).href);
    return mod.runFaults(rest);
  }
  if (command === 'backup' || command === 'restore') return copyStore(command, rest);
  if (command !== undefined && command !== 'serve') {
    console.error(`launchday: unknown command "${command}"; use serve, simulate, faults, ` +
      "backup or restore");
    return 2;
  }
  return serve();
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
}, (err) => {
  console.error(err);
  process.exit(1);
});
