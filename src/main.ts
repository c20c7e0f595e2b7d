// The entry point: the only place that reads the environment, listens on a port and handles
// signals. `launchday` serves; `launchday simulate ...` replays a launch night.
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
  if (command !== undefined && command !== 'serve') {
    console.error(`launchday: unknown command "${command}"; use "serve" or "simulate"`);
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
