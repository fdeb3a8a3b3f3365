// Preloaded (node --require) into the process a benchmark measures: on exit it writes the process's CPU time
// (user + system, ms) and peak RSS (KiB) to $BENCH_USAGE_FILE. CPU time shows the cost on a busy machine,
// where wall time mostly measures waiting for a core.
const fs = require('node:fs');
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  if (process.env.BENCH_USAGE_FILE) fs.writeFileSync(process.env.BENCH_USAGE_FILE, `${cpuMs} ${usage.maxRSS}\n`);
});
