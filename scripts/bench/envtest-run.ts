/**
 * The API server harness in a fresh process: start-up (etcd + kube-apiserver ready, then CRDs installed and served),
 * dry-run throughput over the objects of dist/ at several concurrencies, and stop. Prints one JSON line.
 *   node --import tsx scripts/bench/envtest-run.ts <rounds> <concurrency,...>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DryRunner, startEnvtest } from '../../lib/envtest';
import { loadManifestFiles } from '../../lib/validation';
import { ROOT } from './measure';

export interface EnvtestTimings {
  readonly readyMs: number;
  readonly crdsMs: number;
  readonly stopMs: number;
  readonly objects: number;
  /** Objects per second by concurrency (the best of the rounds, after a warm-up round). */
  readonly throughput: Record<string, number>;
}

async function main([roundsArg, concurrencyArg]: string[]): Promise<void> {
  const rounds = Number(roundsArg);
  const concurrencies = concurrencyArg.split(',').map(Number);
  const dist = path.join(ROOT, 'dist');
  const folders = fs.readdirSync(dist, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dist, e.name));
  const manifests = loadManifestFiles(folders).targets.flatMap((target) => target.subjects.map((subject) => subject.manifest));
  const envtest = await startEnvtest();
  try {
    // The first dry run of each kind builds the server's per-kind machinery (CRD handlers) and the namespaces.
    const warm = await new DryRunner(envtest.client, envtest.resources, { createNamespaces: true }).dryRun(manifests);
    if (warm.some((verdict) => verdict.verdict !== 'accept')) throw new Error('a dist/ object was rejected; run the dist dry-run test');
    const throughput: Record<string, number> = {};
    for (const concurrency of concurrencies) {
      const runner = new DryRunner(envtest.client, envtest.resources, { createNamespaces: true, concurrency });
      let best = 0;
      for (let round = 0; round < rounds; round++) {
        const start = performance.now();
        await runner.dryRun(manifests);
        best = Math.max(best, manifests.length / ((performance.now() - start) / 1000));
      }
      throughput[concurrency] = best;
    }
    const stopStart = performance.now();
    await envtest.stop();
    const timings: EnvtestTimings = { ...envtest.timings, stopMs: performance.now() - stopStart, objects: manifests.length, throughput };
    console.log(JSON.stringify(timings));
  } finally {
    await envtest.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
