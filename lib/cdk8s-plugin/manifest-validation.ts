import * as path from 'path';
import { formatProblem, loadManifestFiles, validateTargets, ValidationProblem, ValidationTarget } from '../validation';
import { Validation, ValidationContext } from './cli-plugin-api';

/** Where a validated object came from, by its source label. */
interface Origin {
  readonly file: string;
  readonly resourceName: string;
  readonly constructPath?: string;
}

/**
 * This project's validation engine as a cdk8s validation plugin: schemas and CEL rules of the CRDs in `crds/`,
 * the Kubernetes 1.28 core rules, references within a target, and the Linkerd, Argo Rollouts and safety rules.
 *
 * In any cdk8s app's cdk8s.yaml (the package is this folder, by local path; the CLI requires an exact version):
 *
 *   validations:
 *     - package: /path/to/this/repository/lib/cdk8s-plugin
 *       version: 0.1.0
 *       class: ManifestValidation
 *
 * Targets: a manifest directly in the output folder is its own target (cdk8s writes one file per chart); the
 * manifests in one sub-folder form one target (this project's `<target>/` layout, or cdk8s'
 * FOLDER_PER_CHART_FILE_PER_RESOURCE). Each problem is one violation, its recommendation the line
 * `npm run validate` prints, with the construct path when the app recorded construct metadata.
 */
export class ManifestValidation implements Validation {
  public async validate(context: ValidationContext): Promise<void> {
    const paths = targetPaths(context.manifests);
    const loaded = loadManifestFiles(paths.map((p) => p.path));
    const origins = new Map<string, Origin>();
    // Manifest paths are reported as the CLI gave them (relative to the working directory).
    const given = new Map(context.manifests.map((m) => [path.resolve(m), m]));
    const targets: ValidationTarget[] = loaded.targets.map((target, position) => ({
      name: target.name,
      subjects: target.subjects.map((subject) => {
        // Sources are "<file>#<document>", the file relative to the target folder (or the file itself).
        const resolved = path.join(paths[position].folder, subject.source.replace(/#\d+$/, ''));
        const file = given.get(resolved) ?? resolved;
        const metadata = subject.manifest.metadata as { name?: unknown } | undefined;
        const resourceName = typeof metadata?.name === 'string' ? metadata.name : '';
        origins.set(`${target.name}\0${subject.source}`, { file, resourceName, constructPath: context.metadata[resourceName]?.path });
        return subject;
      }),
    }));
    const problems = [...loaded.problems, ...validateTargets(targets)];
    for (const problem of problems) {
      const origin = origins.get(`${problem.target}\0${problem.source}`);
      context.report.addViolation({
        ruleName: problem.rule,
        recommendation: formatProblem(origin?.constructPath ? { ...problem, source: origin.constructPath } : problem),
        fix: fixOf(problem),
        violatingResources: [{
          resourceName: origin?.resourceName ?? '',
          locations: [problem.field || '(the whole object)'],
          manifestPath: origin?.file ?? problem.source,
        }],
      });
    }
    const objects = targets.reduce((n, t) => n + t.subjects.length, 0);
    context.report.submit(problems.length === 0 ? 'success' : 'failure', {
      objects: String(objects), targets: String(targets.length), problems: String(problems.length),
    });
  }
}

/** The validator's targets for the CLI's manifest list: each top-level file, and each sub-folder, of the output folder. */
function targetPaths(manifests: readonly string[]): Array<{ path: string; folder: string }> {
  if (manifests.length === 0) return [];
  const outdir = manifests.map((m) => path.dirname(path.resolve(m))).reduce(commonDirectory);
  const paths = new Map<string, string>();
  for (const manifest of manifests) {
    const relative = path.relative(outdir, path.resolve(manifest)).split(path.sep);
    if (relative.length === 1) paths.set(path.resolve(manifest), outdir);
    else paths.set(path.join(outdir, relative[0]), path.join(outdir, relative[0]));
  }
  // The folder a target's source labels are relative to: the target folder, or the folder of a one-file target.
  return [...paths].map(([target, folder]) => ({ path: target, folder }));
}

function commonDirectory(a: string, b: string): string {
  const left = a.split(path.sep);
  const right = b.split(path.sep);
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return left.slice(0, i).join(path.sep) || path.sep;
}

/** The "allowed: ..." part of a message (the project's wording), as the CLI's "How to fix". */
function fixOf(problem: ValidationProblem): string {
  const allowed = /; allowed: (.*)$/.exec(problem.message);
  return allowed ? `use ${allowed[1]}` : 'see the recommendation';
}
