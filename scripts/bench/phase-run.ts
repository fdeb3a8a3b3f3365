/**
 * One measured synthesis in a fresh process, phase by phase:
 *   node --import tsx scripts/bench/phase-run.ts <demo|fleet:N|environments:N> <outdir> <objects.json>
 * (`environments:N`: N services in each of 3 environments, scripts/bench/environments-fleet.ts)
 * Prints one JSON line of phase timings; writes the final object list to objects.json
 * (outside the timed region) for the serialization-floor run.
 */
import * as fs from 'node:fs';
import { App } from 'cdk8s';
import { fileNameOf, renderTargets, synthesisFiles, validateRendered, writeAtomically } from '../../lib/output';
import { buildApp } from '../../main';
import { buildEnvironmentFleet } from './environments-fleet';
import { buildFleet } from './fleet';

export interface PhaseTimings {
  readonly buildMs: number;
  readonly renderMs: number;
  readonly validateMs: number;
  readonly writeMs: number;
  /** Of writeMs, laying out the files (serializing, review reports), before the disk. */
  readonly serializeMs: number;
  readonly totalMs: number;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
}

function main(): void {
  const [subject, outdir, objectsFile] = process.argv.slice(2);
  const fleetSize = /^fleet:(\d+)$/.exec(subject ?? '');
  const environmentsSize = /^environments:(\d+)$/.exec(subject ?? '');
  if ((subject !== 'demo' && !fleetSize && !environmentsSize) || !outdir || !objectsFile) {
    throw new Error('usage: phase-run.ts <demo|fleet:N|environments:N> <outdir> <objects.json>');
  }
  // The steps of synthesize(), timed one by one.
  const t0 = performance.now();
  const app = new App({ outdir: '.cdk8s.out' });
  if (fleetSize) buildFleet(app, Number(fleetSize[1]));
  else if (environmentsSize) buildEnvironmentFleet(app, Number(environmentsSize[1]));
  else buildApp(app);
  const t1 = performance.now();
  const targets = renderTargets(app);
  const t2 = performance.now();
  validateRendered(targets);
  const t3 = performance.now();
  const files = synthesisFiles(targets);
  const serialized = performance.now();
  writeAtomically(outdir, files);
  const t4 = performance.now();

  const objects = targets.flatMap((t) => t.objects.map((o) => ({ file: `${t.name}/${fileNameOf(o.manifest)}`, manifest: o.manifest })));
  // The floor writes the same files, reports included, without constructs or validation.
  const reports = [...files].filter(([file]) => file.endsWith('.md'));
  fs.writeFileSync(objectsFile, JSON.stringify({ objects, reports }));
  const timings: PhaseTimings = {
    buildMs: t1 - t0,
    renderMs: t2 - t1,
    validateMs: t3 - t2,
    writeMs: t4 - t3,
    serializeMs: serialized - t3,
    totalMs: t4 - t0,
    objects: objects.length,
    files: files.size,
    bytes: [...files.values()].reduce((n, content) => n + Buffer.byteLength(content), 0),
  };
  console.log(JSON.stringify(timings));
}

main();
