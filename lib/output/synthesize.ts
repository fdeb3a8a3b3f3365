import { App } from 'cdk8s';
import { reviewReports } from '../review';
import { guardEarlyExit } from './exit-guard';
import { layoutFiles } from './file-layout';
import { RenderTarget, renderTargets } from './render-target';
import { buildWithContext } from './user-code';
import { validateRendered } from './validate-rendered';
import { OutputWriteError, writeAtomically } from './write-atomically';

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
 * rendered object (lib/validation), lay out the files. Pure: writes nothing.
 */
export function synthesize(build: AppBuilder): Synthesis {
  // outdir is never written: the app is only used as the root of the construct tree.
  const app = new App({ outdir: '.cdk8s.out' });
  buildWithContext(app, build);
  const targets = renderTargets(app);
  validateRendered(targets);
  return { targets, files: synthesisFiles(targets) };
}

/**
 * The files of validated targets: `<target>/<object>.yaml`, and a review report `<target>.md`
 * beside each folder (outside what `kubectl apply -f` and Argo CD read).
 */
export function synthesisFiles(targets: readonly RenderTarget[]): Map<string, string> {
  return new Map([...layoutFiles(targets), ...reviewReports(targets)]);
}

/**
 * Entry point of `main.ts`: synthesizes, then replaces `dist/` (or `$RENDER_OUTDIR`) with the
 * result (writeAtomically: exclusive, and crash-safe at every instant); on any error the exit code is 1
 * and the message says what became of the folder (left unchanged, unless it says otherwise). An exit
 * before the end (`process.exit` in a chart) is reported and never exits 0.
 *
 * Under `cdk8s synth` the CLI first empties its own output folder (`$CDK8S_OUTDIR`, set to
 * `.cdk8s.out` in cdk8s.yaml, never `dist/`) and then lists the `.yaml` files it finds there,
 * so the same files are written there too, before `dist/`: if either write fails, `dist/` is unchanged.
 */
export function synthesizeMain(build: AppBuilder, env: NodeJS.ProcessEnv = process.env): void {
  const outdir = env.RENDER_OUTDIR ?? 'dist';
  const guard = guardEarlyExit('Synthesis', () => `${outdir}/ was left unchanged`);
  try {
    const synthesis = synthesize(build);
    if (env.CDK8S_OUTDIR) writeAtomically(env.CDK8S_OUTDIR, synthesis.files);
    const written = writeAtomically(outdir, synthesis.files);
    const objects = synthesis.targets.reduce((n, t) => n + t.objects.length, 0);
    const targets = synthesis.targets.length;
    console.log(`Synthesized ${objects} objects in ${targets} targets into ${outdir}/: a folder and a review report (.md) per target`
      + `${written.warnings.length > 0 ? ` (with ${written.warnings.length} warning(s) above)` : ''}`);
  } catch (error) {
    // A write error's message says itself what became of the folder; any other error happened before dist/ was touched.
    console.error(error instanceof OutputWriteError
      ? `Synthesis failed: ${error.message}`
      : `Synthesis failed; ${outdir}/ was left unchanged.\n${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    guard.finish();
  }
}
