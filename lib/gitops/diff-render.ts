import { CORE_SCHEMA, load } from 'js-yaml';
import { AccessDiff, diffAccess, formatAccessDiff, isEmptyAccessDiff } from '../change-review';
import { AppBuilder, Manifest, objectIdOf } from '../output';
import { readCommitTree, tryRevParse } from './git';
import { RenderValidator, prepareRender } from './prepare-render';
import { readRenderedBranch } from './rendered-branch';
import { DEFAULT_RENDERED_BRANCH } from './rendered-branch-applications';
import { Rollback, rollbackMessage, rollbackOf } from './rollback';

/** Options of {@link diffRender}. */
export interface DiffRenderOptions {
  /** The repository holding the rendered branch. */
  readonly repoDir: string;
  /** Builds the app to render (main.ts: `buildApp`). */
  readonly build: AppBuilder;
  /** Extra checks; any problem fails the diff as it would fail a publish. @default - only the checks every publish runs */
  readonly validate?: RenderValidator;
  /** The rendered branch. @default 'rendered' */
  readonly branch?: string;
  /** Compare with the branch on this remote (name or URL) instead of the local branch. @default - the local branch */
  readonly remote?: string;
}

/** One field that differs between the branch and the new render. */
export interface FieldChange {
  /** e.g. `spec.rules[0].backendRefs[1].weight` or `metadata.annotations["linkerd.io/inject"]`. */
  readonly path: string;
  /** The value on the branch; undefined when the field is added. */
  readonly before?: unknown;
  /** The value in the new render; undefined when the field is removed. */
  readonly after?: unknown;
}

/** One object that the new render adds, removes or changes. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  /** The render target (folder). */
  readonly target: string;
  /** `group/Kind namespace/name`. */
  readonly object: string;
  /** The file in the new render (or on the branch, when removed). */
  readonly file: string;
  /** The fields that differ (changed objects only; a move to another file with no field change lists none). */
  readonly fields: readonly FieldChange[];
}

/** A file that is not a manifest (README, review report) and differs. */
export interface FileChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly file: string;
}

/** What publishing the render would change on the rendered branch. */
export interface RenderDiff {
  readonly branch: string;
  /** The branch commit compared with; undefined when the branch does not exist yet. */
  readonly base?: string;
  readonly objects: readonly ObjectChange[];
  readonly files: readonly FileChange[];
  /** Target folders on the branch that the render no longer has (a publish refuses these unless allowed). */
  readonly vanishedTargets: readonly string[];
  /** Whether a publish would make a commit. */
  readonly hasChanges: boolean;
  /** Set when the branch was rendered from code the checked-out commit does not contain (a publish refuses this unless allowed). */
  readonly rollback?: Rollback;
  /** What the change does to access (from the Linkerd policy evaluator) and traffic settings, per target both renders have. */
  readonly access: AccessDiff;
}

/**
 * What `publishRender` would change on the rendered branch, per object: added, removed,
 * or changed with the fields that differ. Objects are matched by identity (group, kind,
 * namespace, name), not by file, so a move to another sync wave is not an add plus a remove.
 * Runs the same synthesis and checks as a publish; writes nothing but FETCH_HEAD (with a remote).
 */
export function diffRender(options: DiffRenderOptions): RenderDiff {
  const branch = options.branch ?? DEFAULT_RENDERED_BRANCH;
  const state = readRenderedBranch(options.repoDir, branch, options.remote);
  const render = prepareRender(options.build, options.validate, { branch, remoteUrl: state.remoteUrl });
  const diff = compareRenders(readCommitTree(options.repoDir, state.base), render.files, branch, state.base);
  const head = tryRevParse(options.repoDir, 'HEAD');
  const rollback = diff.hasChanges && head !== undefined ? rollbackOf(options.repoDir, state.base, head) : undefined;
  return rollback === undefined ? diff : { ...diff, rollback };
}

/** Compares two rendered trees (path → content). */
export function compareRenders(
  before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, branch: string, base?: string,
): RenderDiff {
  const oldObjects = manifestsOf(before);
  const newObjects = manifestsOf(after);
  const objects: ObjectChange[] = [];
  for (const [key, now] of newObjects) {
    const was = oldObjects.get(key);
    if (was === undefined) {
      objects.push({ change: 'added', target: now.target, object: now.id, file: now.file, fields: [] });
    } else {
      const fields = diffValues(was.manifest, now.manifest, '');
      if (fields.length > 0 || was.file !== now.file) {
        objects.push({ change: 'changed', target: now.target, object: now.id, file: now.file, fields });
      }
    }
  }
  for (const [key, was] of oldObjects) {
    if (!newObjects.has(key)) objects.push({ change: 'removed', target: was.target, object: was.id, file: was.file, fields: [] });
  }
  objects.sort((a, b) => compare(`${a.target} ${a.object}`, `${b.target} ${b.object}`));

  const files: FileChange[] = [];
  const isManifest = (file: string) => file.includes('/') && file.endsWith('.yaml');
  for (const [file, content] of after) {
    if (isManifest(file)) continue;
    if (!before.has(file)) files.push({ change: 'added', file });
    else if (before.get(file) !== content) files.push({ change: 'changed', file });
  }
  for (const file of before.keys()) if (!isManifest(file) && !after.has(file)) files.push({ change: 'removed', file });
  files.sort((a, b) => compare(a.file, b.file));

  const folders = (tree: ReadonlyMap<string, string>) => new Set([...tree.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
  const newFolders = folders(after);
  const vanishedTargets = [...folders(before)].filter((f) => !newFolders.has(f)).sort();
  const identical = before.size === after.size && [...after].every(([f, c]) => before.get(f) === c);
  const access = diffAccess(before, after);
  return { branch, base, objects, files, vanishedTargets, hasChanges: !identical, access };
}

/** A human-readable summary of a diff, one object per line and one field per indented line. */
export function formatRenderDiff(diff: RenderDiff): string {
  const lines = [`Rendered branch ${diff.branch}${diff.base ? ` at ${diff.base.slice(0, 12)}` : ' (does not exist yet)'}:`];
  if (!diff.hasChanges) return `${lines[0]} no changes`;
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  if (!isEmptyAccessDiff(diff.access)) lines.push(...formatAccessDiff(diff.access, '  '), '  Objects:');
  let target: string | undefined;
  for (const change of diff.objects) {
    if (change.target !== target) lines.push(`  ${(target = change.target)}/`);
    lines.push(`    ${sign[change.change]} ${change.object}  (${change.file})`);
    for (const field of change.fields) {
      const text = field.before === undefined ? `added ${show(field.after)}`
        : field.after === undefined ? `removed (was ${show(field.before)})` : `${show(field.before)} → ${show(field.after)}`;
      lines.push(`        ${field.path}: ${text}`);
    }
  }
  for (const file of diff.files) lines.push(`  ${sign[file.change]} ${file.file}`);
  for (const vanished of diff.vanishedTargets) {
    lines.push(`  ! target ${vanished}/ would disappear: render refuses this without --allow-vanished-targets`);
  }
  if (diff.rollback !== undefined) lines.push(`  ! rollback: ${rollbackMessage(diff.rollback, diff.branch)}`);
  const count = (c: ObjectChange['change']) => diff.objects.filter((o) => o.change === c).length;
  lines.push(`${diff.objects.length} object(s) differ: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed; `
    + `${diff.files.length} other file(s) differ`);
  return lines.join('\n');
}

interface LocatedManifest {
  readonly target: string;
  readonly file: string;
  readonly id: string;
  readonly manifest: Manifest;
}

function manifestsOf(tree: ReadonlyMap<string, string>): Map<string, LocatedManifest> {
  const manifests = new Map<string, LocatedManifest>();
  for (const [file, content] of tree) {
    if (!file.includes('/') || !file.endsWith('.yaml')) continue;
    const target = file.split('/')[0];
    // js-yaml reads every rendered file as the yaml library does (YAML 1.2 core schema), 5x faster (BENCHMARKS.md).
    const manifest = load(content, { schema: CORE_SCHEMA }) as Manifest;
    const id = objectIdOf(manifest);
    manifests.set(`${target} ${id}`, { target, file, id, manifest });
  }
  return manifests;
}

function diffValues(before: unknown, after: unknown, path: string): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], `${path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
      ? `${path === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => diffValues(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
