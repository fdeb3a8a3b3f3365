import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The layers of lib/, bottom first. A folder (an "area") may import only areas of lower layers, and only through their
 * index.ts; areas of one layer know nothing of each other. ARCHITECTURE.md draws exactly this list (layerPicture).
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['contracts', 'policy'],
  ['validation', 'review', 'change-review'],
  ['common', 'output', 'envtest', 'cdk8s-plugin'],
  ['mesh'],
  ['delivery', 'platform'],
  ['gitops'],
];

/** Imports from lib/ to elsewhere in the repository that are allowed, with the reason (`from -> to`, repository paths). */
export const OUTSIDE_LIB_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  // The cdk8s CLI's plugin entry loads the build of `npm run synth` when it is fresh (plain JavaScript, run by the CLI).
  ['lib/cdk8s-plugin/index.js -> scripts/synth.cjs', 'the CLI plugin entry reuses the synth build cache'],
]);

/** One import of a source file, resolved to a repository path without extension (`lib/mesh`, `lib/mesh/server`). */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  readonly to: string;
}

const SOURCE = /\.(ts|js|cjs|mjs)$/;

/** Source files under `dir` (repository-relative, `/`-separated), skipping node_modules and declaration files. */
export function sourceFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [dir];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(root, rel);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  }).sort();
}

/**
 * Every relative module reference of the files: `import`, `import type`, `export ... from`, `import x = require()`,
 * `require()`, dynamic `import()` and `import('…')` types (the TypeScript scanner's own list of them, so comments and
 * strings are not mistaken for imports).
 */
export function relativeImports(root: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    return importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), i.fileName));
      return { from: file, specifier: i.fileName, to: resolved.replace(/\/$/, '').replace(/\/index(\.ts)?$/, '').replace(/\.ts$/, '') };
    });
  });
}

/** The area (`lib/<area>/…`) of a repository path; `''` for lib/index.ts itself; undefined outside lib/. */
export function areaOf(repoPath: string): string | undefined {
  if (repoPath === 'lib' || /^lib\/index(\.ts)?$/.test(repoPath)) return '';
  const match = /^lib\/([^/]+)/.exec(repoPath);
  if (match === null) return undefined;
  return match[1].replace(SOURCE, '');
}

/** The picture of the layers in ARCHITECTURE.md: top layer first, areas of one layer side by side. */
export function layerPicture(layers: readonly (readonly string[])[] = LAYERS): string {
  return [...layers].reverse().map((areas, i) => `${String(layers.length - 1 - i)}  ${areas.map((a) => `lib/${a}`).join('   ')}`).join('\n');
}

/** Cycles of the area graph (each as `a -> b -> a`), found with a depth-first search; sorted. */
export function areaCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const cycles = new Set<string>();
  const visit = (area: string, trail: string[]): void => {
    const at = trail.indexOf(area);
    if (at !== -1) {
      const cycle = trail.slice(at);
      // One spelling per cycle: start at its smallest area.
      const start = cycle.indexOf([...cycle].sort()[0]);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.add([...rotated, rotated[0]].join(' -> '));
      return;
    }
    for (const next of [...(edges.get(area) ?? [])].sort()) visit(next, [...trail, area]);
  };
  for (const area of [...edges.keys()].sort()) visit(area, []);
  return [...cycles].sort();
}

/** Options of {@link layeringProblems}; the defaults are this repository's rules. */
export interface LayeringRules {
  readonly layers?: readonly (readonly string[])[];
  /** Folders and files outside lib/ that may import lib/ only through lib/index.ts. */
  readonly userCode?: readonly string[];
  /** Folders outside lib/ that may import lib/index.ts or an area's index.ts. */
  readonly tools?: readonly string[];
  readonly outsideLibExceptions?: ReadonlyMap<string, string>;
}

/**
 * Every breach of the layering in the repository at `root`, one line each (empty when none): an area missing from the
 * layer list, an import of an area that is not in a lower layer, a deep import into another area (not its index.ts), a
 * cycle between areas, lib/ importing code outside lib/ and imports/, and user code or tools reaching past the indexes.
 */
export function layeringProblems(root: string, rules: LayeringRules = {}): string[] {
  const layers = rules.layers ?? LAYERS;
  const layerOf = new Map(layers.flatMap((areas, layer) => areas.map((area) => [area, layer] as const)));
  const exceptions = rules.outsideLibExceptions ?? OUTSIDE_LIB_EXCEPTIONS;
  const problems: string[] = [];
  const libFiles = sourceFiles(root, 'lib');
  for (const area of new Set(libFiles.map(areaOf))) {
    if (area !== undefined && area !== '' && !layerOf.has(area)) problems.push(`lib/${area} is in no layer; add it to LAYERS and ARCHITECTURE.md`);
  }
  const areaEdges = new Map<string, Set<string>>();
  for (const edge of relativeImports(root, libFiles)) {
    const from = areaOf(edge.from)!;
    const to = areaOf(edge.to);
    const where = `${edge.from} imports '${edge.specifier}'`;
    if (to === undefined) {
      const allowed = edge.to.startsWith('imports/') || exceptions.has(`${edge.from} -> ${edge.to}`);
      if (!allowed) problems.push(`${where}: lib/ may import only lib/ and imports/`);
      continue;
    }
    if (to === from) continue;
    if (to === '') {
      problems.push(`${where}: lib/index.ts is the users' entry; areas import each other's index.ts`);
      continue;
    }
    if (from !== '') areaEdges.set(from, (areaEdges.get(from) ?? new Set()).add(to));
    if (edge.to !== `lib/${to}`) {
      problems.push(`${where}: a deep import into lib/${to}; import '${relativeTo(edge.from, `lib/${to}`)}' (its index.ts)`);
    }
    if (from === '') continue;
    const [own, other] = [layerOf.get(from), layerOf.get(to)];
    if (own !== undefined && other !== undefined && other >= own) {
      problems.push(`${where}: lib/${from} (layer ${own}) may import only lower layers, and lib/${to} is in layer ${other}`);
    }
  }
  for (const cycle of areaCycles(areaEdges)) problems.push(`cycle between lib/ areas: ${cycle}`);
  const entryProblems = (dirs: readonly string[], allowArea: boolean): string[] =>
    relativeImports(root, dirs.flatMap((dir) => sourceFiles(root, dir))).flatMap((edge) => {
      const area = areaOf(edge.to);
      if (area === undefined || area === '' || (allowArea && edge.to === `lib/${area}`)) return [];
      return [`${edge.from} imports '${edge.specifier}': import '${relativeTo(edge.from, 'lib')}'${allowArea ? ' or an area\'s index.ts' : ''}`];
    });
  problems.push(...entryProblems(rules.userCode ?? ['charts', 'main.ts'], false), ...entryProblems(rules.tools ?? ['scripts'], true));
  return problems;
}

function relativeTo(fromFile: string, target: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromFile), target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}
