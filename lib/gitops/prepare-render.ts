import { AppBuilder, Manifest, Synthesis, apiGroupOf, synthesize } from '../output';

/** Extra checks of a synthesis before it may be published; returns one line per problem. */
export type RenderValidator = (synthesis: Synthesis) => readonly string[];

/** Thrown when a render must not be published (or diffed); nothing was changed. */
export class RenderRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderRefusedError';
  }
}

/** A synthesis that passed every check, and the files of the rendered branch it becomes. */
export interface PreparedRender {
  readonly synthesis: Synthesis;
  /** The rendered branch's whole content: target folders, review reports, README.md. */
  readonly files: ReadonlyMap<string, string>;
  /** The render targets (folders), in app order. */
  readonly targets: readonly string[];
}

/** Where the render is going to be published. */
export interface RenderDestination {
  /** The rendered branch. */
  readonly branch: string;
  /** URL of the remote it is pushed to. @default - not pushed; repository URLs are not checked */
  readonly remoteUrl?: string;
}

/** The README at the top of the rendered branch. */
const RENDERED_BRANCH_README = 'README.md';

/**
 * Synthesizes with `build` and runs every check a publish needs; throws
 * {@link RenderRefusedError} listing the problems when the render is broken:
 * synthesis fails, `validate` reports problems, the render (or one target) is empty,
 * or an Argo CD Application in it points at a folder, branch or repository that this
 * publish does not produce.
 */
export function prepareRender(build: AppBuilder, validate: RenderValidator | undefined, destination: RenderDestination): PreparedRender {
  let synthesis: Synthesis;
  try {
    synthesis = synthesize(build);
  } catch (error) {
    throw new RenderRefusedError(`synthesis failed, so the render cannot be published:\n${(error as Error).message}`);
  }
  const targets = synthesis.targets.map((t) => t.name);
  const empty = synthesis.targets.filter((t) => t.objects.length === 0).map((t) => t.name);
  if (synthesis.files.size === 0 || empty.length > 0) {
    throw new RenderRefusedError(`the render is empty (targets without objects: ${empty.join(', ') || 'all'}); `
      + 'publishing it would make Argo CD prune every live object of those targets');
  }
  const problems = [...(validate?.(synthesis) ?? []), ...applicationSourceProblems(synthesis, destination)];
  if (problems.length > 0) {
    throw new RenderRefusedError(
      `validation failed with ${problems.length} problem(s), so the render cannot be published:\n  ${problems.join('\n  ')}`);
  }
  // The synthesis already holds the target folders and their review reports.
  const files = new Map(synthesis.files);
  files.set(RENDERED_BRANCH_README, renderedBranchReadme(targets));
  return { synthesis, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), targets };
}

/**
 * Problems of the Argo CD Applications in a render: each must sync a folder of this
 * render from the branch being published and, when the remote is known, from that remote.
 */
function applicationSourceProblems(synthesis: Synthesis, destination: RenderDestination): string[] {
  const folders = new Set(synthesis.targets.map((t) => t.name));
  const problems: string[] = [];
  /** Applications by the repository they sync, when that is not the remote: one problem per repository. */
  const otherRepositories = new Map<string, { name: string; constructPath: string }[]>();
  for (const target of synthesis.targets) {
    for (const { manifest, constructPath } of target.objects) {
      if (apiGroupOf(manifest) !== 'argoproj.io' || manifest.kind !== 'Application') continue;
      const source = (manifest as ApplicationShape).spec?.source;
      // A pinned upstream release (a Helm chart, or a Git tag of another repository: the platform) is not this render.
      if (isPinnedUpstreamSource(source, destination)) continue;
      const where = `[${constructPath}] Application ${manifest.metadata.name}`;
      if (source?.path === undefined || !folders.has(source.path)) {
        problems.push(`${where} syncs path "${source?.path ?? ''}", which this render does not produce; allowed: ${[...folders].join(', ')}`);
      }
      if (source?.targetRevision !== destination.branch) {
        problems.push(`${where} syncs revision "${source?.targetRevision ?? ''}" but this render is published to branch "${destination.branch}"`);
      }
      if (destination.remoteUrl !== undefined && normalizeRepoUrl(source?.repoURL ?? '') !== normalizeRepoUrl(destination.remoteUrl)) {
        const repoUrl = source?.repoURL ?? '';
        otherRepositories.set(repoUrl, [...(otherRepositories.get(repoUrl) ?? []), { name: manifest.metadata.name, constructPath }]);
      }
    }
  }
  for (const [repoUrl, applications] of otherRepositories) {
    // Usually every Application of the app of apps: one problem, not one per Application.
    const which = applications.length === 1
      ? `[${applications[0].constructPath}] Application ${applications[0].name} syncs`
      : `${applications.length} Applications (${applications.map((a) => a.name).join(', ')}) sync`;
    problems.push(`${which} repository "${repoUrl}" but this render is pushed to "${destination.remoteUrl}"; `
      + 'either set the repository URL the Argo CD Applications are rendered with (REPO_URL in main.ts) to the URL '
      + `Argo CD clones "${destination.remoteUrl}" by, or push with --remote to the repository Argo CD reads`);
  }
  return problems;
}

/** An exact release (1.2.3, v1.2.3, v1.2.3-rc.1), as platform Applications pin their sources. */
const EXACT_RELEASE = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function isPinnedUpstreamSource(source: ApplicationSource | undefined, destination: RenderDestination): boolean {
  if (source === undefined || !EXACT_RELEASE.test(source.targetRevision ?? '')) return false;
  if (source.chart !== undefined) return true;
  return destination.remoteUrl === undefined || normalizeRepoUrl(source.repoURL ?? '') !== normalizeRepoUrl(destination.remoteUrl);
}

/** A repository URL reduced to host and path, so https, ssh and scp-like forms of one repository compare equal. */
export function normalizeRepoUrl(url: string): string {
  return url.trim()
    .replace(/^[a-z+]+:\/\/([^@/]+@)?/i, '')
    .replace(/^[^@/]+@([^:/]+):/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/^([^/]+)/, (host) => host.toLowerCase());
}

function renderedBranchReadme(targets: readonly string[]): string {
  return [
    '# Rendered manifests',
    '',
    'Generated by `npm run render` from the source commit named in each commit message; do not edit.',
    'Each folder is one render target, synced by one Argo CD Application (see `argocd/` if present).',
    'The `<target>.md` files beside the folders are review reports (mesh topology and authorization matrix);',
    'Argo CD never reads them.',
    '',
    '| Target | Folder | Review report |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t} | [\`${t}/\`](${t}/) | [${t}.md](${t}.md) |`),
    '',
  ].join('\n');
}

interface ApplicationSource {
  readonly repoURL?: string;
  readonly path?: string;
  readonly targetRevision?: string;
  readonly chart?: string;
}

interface ApplicationShape extends Manifest {
  readonly spec?: { readonly source?: ApplicationSource };
}
