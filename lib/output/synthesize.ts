import { App } from 'cdk8s';
import { reviewReports } from '../review';
import { layoutFiles } from './file-layout';
import { RenderTarget, renderTargets } from './render-target';
import { validateRendered } from './validate-rendered';
import { writeAtomically } from './write-atomically';

/** What a synthesis produced: the render targets and the files that represent them. */
export interface Synthesis {
  readonly targets: readonly RenderTarget[];
  /** Path relative to the output folder → file content: the target folders and their review reports. */
  readonly files: ReadonlyMap<string, string>;
}

/** Builds the construct tree of an app: the charts of `main.ts`. */
export type AppBuilder = (app: App) => void;

/**
 * The one synthesis pipeline that `npm run synth`, `cdk8s synth`, the tests and the
 * render and benchmark scripts share: build the construct tree, run the constructs'
 * validations, render each top-level chart into a target in apply order, validate every
 * rendered object (lib/validation), lay out the files: `<target>/<object>.yaml`, and a review
 * report `<target>.md` beside each folder (outside what `kubectl apply -f` and Argo CD read).
 * Pure: writes nothing.
 */
export function synthesize(build: AppBuilder): Synthesis {
  // outdir is never written: the app is only used as the root of the construct tree.
  const app = new App({ outdir: '.cdk8s.out' });
  build(app);
  const targets = renderTargets(app);
  validateRendered(targets);
  return { targets, files: new Map([...layoutFiles(targets), ...reviewReports(targets)]) };
}

/** Synthesizes and replaces `outdir` with the result; on any error `outdir` is left exactly as it was. */
export function synthesizeToDirectory(build: AppBuilder, outdir: string): Synthesis {
  const synthesis = synthesize(build);
  writeAtomically(outdir, synthesis.files);
  return synthesis;
}

/**
 * Entry point of `main.ts`. Writes the render to `dist/` (or `$RENDER_OUTDIR`).
 *
 * Under `cdk8s synth` the CLI first empties its own output folder (`$CDK8S_OUTDIR`, set to
 * `.cdk8s.out` in cdk8s.yaml, never `dist/`) and expects manifests there, so they are copied
 * there too; `dist/` itself is only ever replaced whole, after a successful synthesis.
 */
export function synthesizeMain(build: AppBuilder, env: NodeJS.ProcessEnv = process.env): void {
  const outdir = env.RENDER_OUTDIR ?? 'dist';
  try {
    const synthesis = synthesizeToDirectory(build, outdir);
    if (env.CDK8S_OUTDIR) writeAtomically(env.CDK8S_OUTDIR, synthesis.files);
    const objects = synthesis.targets.reduce((n, t) => n + t.objects.length, 0);
    console.log(`Synthesized ${objects} objects in ${synthesis.targets.length} targets into ${outdir}/`);
  } catch (error) {
    console.error(`Synthesis failed; ${outdir}/ was left unchanged.\n${(error as Error).message}`);
    process.exitCode = 1;
  }
}
