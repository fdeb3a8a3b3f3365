/**
 * The API server harness section of the benchmark: start-up time and dry-run throughput of lib/envtest, each run a
 * fresh process (scripts/bench/envtest-run.ts). Needs KUBEBUILDER_ASSETS; without it the section is skipped.
 */
import * as os from 'node:os';
import type { EnvtestTimings } from './envtest-run';
import { formatStats, stats, timedRun } from './measure';

export const ENVTEST_BEGIN = '<!-- measured by npm run bench (envtest): begin -->';
export const ENVTEST_END = '<!-- measured by npm run bench (envtest): end -->';

/** The measured Markdown, or undefined when KUBEBUILDER_ASSETS is not set. */
export function measureEnvtest(quick: boolean): string | undefined {
  if ((process.env.KUBEBUILDER_ASSETS ?? '') === '') return undefined;
  const runs = quick ? 1 : 3;
  // The machine is shared; the load says how much of its 2 cores the server actually got.
  const loadBefore = os.loadavg()[0];
  const concurrencies = quick ? [4] : [1, 4, 8, 16];
  const results: EnvtestTimings[] = Array.from({ length: runs }, () => {
    const run = timedRun(process.execPath, ['--import', 'tsx', 'scripts/bench/envtest-run.ts', quick ? '1' : '3', concurrencies.join(',')]);
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as EnvtestTimings;
  });
  const loadAfter = os.loadavg()[0];
  const ms = (pick: (r: EnvtestTimings) => number) => formatStats(stats(results.map(pick)), 'ms');
  const lines = [
    '## API server harness (lib/envtest)', '',
    `Median of ${runs} fresh processes (min–max); kube-apiserver 1.28.7 + etcd 3.4 from KUBEBUILDER_ASSETS, all vendored CRDs;`,
    `1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (${os.cpus().length} cores).`, '',
    '| what | time |', '|---|---|',
    `| start until \`/readyz\` is ok (etcd + kube-apiserver, certificates, key) | ${ms((r) => r.readyMs)} |`,
    `| start until the vendored CRDs are Established and in discovery (what \`startEnvtest\` waits for) | ${ms((r) => r.crdsMs)} |`,
    `| stop (SIGKILL of both process groups, temp folder removed) | ${ms((r) => r.stopMs)} |`, '',
    `Dry-run throughput over the ${results[0].objects} objects of \`dist/\` (\`dryRun=All&fieldValidation=Strict\`, after one warm-up`,
    'round that creates the namespaces and lets the server build its per-kind handlers; best of the rounds):', '',
    '| concurrent dry runs | objects/s |', '|---|---|',
    ...concurrencies.map((c) => `| ${c} | ${formatStats(stats(results.map((r) => r.throughput[c])), 'objects/s')} |`), '',
  ];
  return lines.join('\n');
}
