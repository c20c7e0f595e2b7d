// Starts the launchday server for the simulator and the benchmark. A file of its own rather than
// dist/src/main.js on the command line: on a shared machine, someone stopping "their" servers by
// name (pkill -f dist/src/main.js) must not stop ours in the middle of a run.
await import('../src/main.js');
export {};
//# sourceMappingURL=server-entry.js.map