// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): on exit it
// appends the process's peak resident set size (KiB) to $BENCH_RSS_FILE, so the harness can
// report the peak of the whole process tree (npm, node) without platform tools.
const fs = require('node:fs');
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) fs.appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
