import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAYERS, areaCycles, layerPicture, layeringProblems, relativeImports } from './import-graph';

const ROOT = path.join(__dirname, '..', '..');

test('lib/ areas import only lower layers, through their index.ts, without cycles; charts, main.ts and scripts use the indexes', () => {
  expect(layeringProblems(ROOT)).toEqual([]);
});

test('ARCHITECTURE.md draws the layers this test enforces', () => {
  const architecture = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  expect(architecture).toContain(`\n${layerPicture()}\n`);
  // Every area has an entry (lib/cdk8s-plugin's is the JavaScript file the cdk8s CLI loads).
  const entries = LAYERS.flat().map((area) => ['index.ts', 'index.js'].find((entry) => fs.existsSync(path.join(ROOT, 'lib', area, entry))));
  expect(entries.filter((entry) => entry === undefined)).toEqual([]);
});

test('every file ARCHITECTURE.md\'s concept table names exists', () => {
  const architecture = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = architecture.slice(architecture.indexOf('## Where each concept lives'), architecture.indexOf('## Decisions'));
  // Each row's file column: full paths, and bare `x.ts` names of files beside the row's first path.
  const files = section.split('\n').filter((line) => /^\| [^-]/.test(line)).slice(1).flatMap((row) => {
    const tokens = [...row.split('|')[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    const paths = tokens.filter((token) => /^(lib|__tests__)\//.test(token));
    const dir = paths[0]?.endsWith('/') ? paths[0] : path.posix.dirname(paths[0] ?? '');
    return [...paths, ...tokens.filter((token) => /^[\w-]+\.ts$/.test(token)).map((name) => `${dir}/${name}`.replace('//', '/'))];
  });
  expect(files.length).toBeGreaterThan(60);
  expect(files.filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
});

describe('the layering check fails on deliberate violations', () => {
  let root: string;
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const layers = [['base'], ['left', 'right'], ['top']];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-'));
    write('lib/index.ts', "export * from './top';\n");
    write('lib/base/index.ts', "export * from './inner';\n");
    write('lib/base/inner.ts', 'export const base = 1;\n');
    write('lib/left/index.ts', "import { base } from '../base';\nexport const left = base;\n");
    write('lib/right/index.ts', 'export const right = 2;\n');
    write('lib/top/index.ts', "export { left } from '../left';\nexport type { Right } from '../right/types';\n");
    write('lib/right/types.ts', 'export type Right = number;\n');
    write('charts/chart.ts', "import { left } from '../lib';\nexport const chart = left;\n");
    write('scripts/tool.ts', "import { base } from '../lib/base';\nexport const tool = base;\n");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a clean fixture passes, except the deep `export type` it holds', () => {
    expect(layeringProblems(root, { layers })).toEqual([
      "lib/top/index.ts imports '../right/types': a deep import into lib/right; import '../right' (its index.ts)",
    ]);
  });

  test('upward, sideways, deep, cyclic and outside imports are each reported, in every import syntax', () => {
    write('lib/right/types.ts', 'export type Right = number;\n');
    write('lib/top/index.ts', "export { left } from '../left';\nexport type { Right } from '../right';\n");
    write('lib/base/up.ts', "// import { no } from '../top'; (a comment is no import)\nexport type Up = import('../top').Top;\n");
    write('lib/left/peer.ts', "import type { Right } from '../right';\nexport const peer: Right = 1;\n");
    write('lib/right/peer.ts', "export const peer = require('../left');\n");
    write('lib/right/lazy.ts', "export const lazy = () => import('../base/inner');\n");
    write('lib/base/chart.ts', "import '../../charts/chart';\n");
    write('lib/stray/index.ts', 'export const stray = 1;\n');
    write('charts/deep.ts', "import { base } from '../lib/base';\nexport const deep = base;\n");
    write('scripts/deep.ts', "import { base } from '../lib/base/inner';\nexport const deep = base;\n");
    expect(layeringProblems(root, { layers })).toEqual([
      'lib/stray is in no layer; add it to LAYERS and ARCHITECTURE.md',
      "lib/base/chart.ts imports '../../charts/chart': lib/ may import only lib/ and imports/",
      "lib/base/up.ts imports '../top': lib/base (layer 0) may import only lower layers, and lib/top is in layer 2",
      "lib/left/peer.ts imports '../right': lib/left (layer 1) may import only lower layers, and lib/right is in layer 1",
      "lib/right/lazy.ts imports '../base/inner': a deep import into lib/base; import '../base' (its index.ts)",
      "lib/right/peer.ts imports '../left': lib/right (layer 1) may import only lower layers, and lib/left is in layer 1",
      'cycle between lib/ areas: base -> top -> left -> base',
      'cycle between lib/ areas: base -> top -> left -> right -> base',
      'cycle between lib/ areas: base -> top -> right -> base',
      'cycle between lib/ areas: base -> top -> right -> left -> base',
      'cycle between lib/ areas: left -> right -> left',
      "charts/deep.ts imports '../lib/base': import '../lib'",
      "scripts/deep.ts imports '../lib/base/inner': import '../lib' or an area's index.ts",
    ]);
  });
});

test('the import scanner sees every syntax of a module reference, and no comment or string', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  try {
    fs.mkdirSync(path.join(dir, 'lib', 'a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lib', 'a', 'x.ts'), [
      "import { a } from './a';", "import type { B } from './b';", "export { c } from './c';", "export * from './d/index';",
      "import e = require('./e');", "const f = require('./f');", "const g = import('./g');", "type H = import('./h').H;",
      "// import { no } from './comment';", "const text = \"import { no } from './string'\";", '',
    ].join('\n'));
    expect(relativeImports(dir, ['lib/a/x.ts']).map((edge) => edge.to)).toEqual(
      ['lib/a/a', 'lib/a/b', 'lib/a/c', 'lib/a/d', 'lib/a/e', 'lib/a/f', 'lib/a/g', 'lib/a/h']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('areaCycles names each cycle once', () => {
  const edges = new Map([['a', new Set(['b'])], ['b', new Set(['c', 'a'])], ['c', new Set(['a'])]]);
  expect(areaCycles(edges)).toEqual(['a -> b -> a', 'a -> b -> c -> a']);
});
