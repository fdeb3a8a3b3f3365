// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): on exit it
// appends the process's peak resident set size (KiB) and its CPU time (user + system, ms, over all
// its threads) to $BENCH_RSS_FILE, so the harness can report the peak and the CPU of the whole
// process tree (npm, node) without platform tools. Only the main thread writes (a worker would
// count the same process again).
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');
process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE || !isMainThread) return;
  const usage = process.resourceUsage();
  fs.appendFileSync(process.env.BENCH_RSS_FILE, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}\n`);
});
