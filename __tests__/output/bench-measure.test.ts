import { timedShellRun } from '../../scripts/bench/measure';

/**
 * The bench's CPU time of a whole command (scripts/bench/measure.ts timedShellRun): what `npm test`'s bound in
 * BENCHMARKS.md divides. It must count processes that are not node (the API server, Chromium), which the node probe
 * behind `cpuMs` cannot see.
 */
test('the CPU time of every process a command line starts, node or not, and of none it does not', () => {
  // awk busy for a while: not a node process, so the node probe sees nothing of it.
  const busy = timedShellRun("awk 'BEGIN { for (i = 0; i < 20000000; i++) x += i; print x }' > /dev/null");
  expect(busy.cpuMs).toBe(0);
  expect(busy.treeCpuMs).toBeGreaterThan(200);
  expect(busy.treeCpuMs).toBeLessThanOrEqual(busy.wallMs + 50); // one process: at most its wall time on one core
  // A grandchild counts too, once its parent has waited for it.
  const nested = timedShellRun("sh -c \"awk 'BEGIN { for (i = 0; i < 20000000; i++) x += i }'\"");
  expect(nested.treeCpuMs).toBeGreaterThan(200);
  const idle = timedShellRun('sleep 0.3');
  expect(idle.wallMs).toBeGreaterThanOrEqual(300);
  expect(idle.treeCpuMs).toBeLessThan(100);
});

test('a failing command line fails the measurement, with its exit status', () => {
  expect(() => timedShellRun('exit 3')).toThrow(/failed \(3\)/);
});
