/**
 * A process the harness tests kill: `supervise-sleep <log>` runs /bin/sleep under the supervisor, `start <assets> <tmp>`
 * starts envtest (without CRDs). Either prints one JSON line (process groups, folder) and then waits to be killed.
 */
import { startEnvtest } from '../../lib/envtest';
import { SupervisedProcess } from '../../lib/envtest/supervised-process';

async function main([mode, first, second]: string[]): Promise<void> {
  if (mode === 'supervise-sleep') {
    const sleeper = new SupervisedProcess('sleep', '/bin/sleep', ['300'], first);
    process.stdout.write(`${JSON.stringify({ processGroups: [sleeper.pid] })}\n`);
  } else {
    // No CRDs: the test is about the processes and the folder, and installing the CRDs is most of a start's CPU.
    const envtest = await startEnvtest({ assetsDir: first, tempRoot: second, crdPaths: [] });
    process.stdout.write(`${JSON.stringify({ processGroups: envtest.processGroups, dir: envtest.dir })}\n`);
  }
  setInterval(() => undefined, 60_000);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
