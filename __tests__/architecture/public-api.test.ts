import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { publicApiProblems, repositoryCompilerOptions } from './public-api';

const ROOT = path.join(__dirname, '..', '..');

test('every type a signature of lib/index.ts uses is exported from lib/index.ts, and nothing @internal is', () => {
  const problems = publicApiProblems(path.join(ROOT, 'lib', 'index.ts'), {
    ownDirs: [path.join(ROOT, 'lib'), path.join(ROOT, 'imports')], compilerOptions: repositoryCompilerOptions(ROOT),
  });
  expect(problems).toEqual([]);
}, 120000);

test('the public-API check fails on deliberate violations', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'public-api-'));
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  try {
    write('lib/hidden.ts', [
      'export interface Hidden { readonly a: string }',
      'export interface HiddenBase { readonly b: string }',
      'export class HiddenResult { public readonly c = 1; }',
      'export type HiddenAlias = string | number;',
      'export enum HiddenKind { A = "a" }',
      'export class HiddenProp { }',
      'export function makeHiddenProp(): HiddenProp { return new HiddenProp(); }',
      '',
    ].join('\n'));
    write('gen/generated.ts', 'export class Generated { }\nexport class GeneratedShown { }\n');
    write('lib/api.ts', [
      "import { Generated, GeneratedShown } from '../gen/generated';",
      "import { Hidden, HiddenAlias, HiddenBase, HiddenKind, HiddenProp, HiddenResult, makeHiddenProp } from './hidden';",
      'export interface Shown extends HiddenBase { readonly kind: HiddenKind }',
      'export function takes(input: Hidden): Shown { return { b: input.a, kind: HiddenKind.A }; }',
      'export function infers() { return new HiddenResult(); }',
      'export class Construct {',
      '  public readonly inferred = makeHiddenProp();',
      '  public readonly generated?: Generated;',
      '  public readonly shownGenerated?: GeneratedShown;',
      '  public readonly list: readonly Map<string, HiddenAlias>[] = [];',
      '  private readonly secret?: Hidden;',
      '  /** @internal */',
      '  public _render(): Hidden { return { a: "x" }; }',
      '  constructor(public readonly passed?: HiddenProp) { }',
      '}',
      '/** @internal */',
      'export function helper(): void { }',
      'export function clean(value: string, other: Shown): Shown { return value === "" ? other : other; }',
      '',
    ].join('\n'));
    write('lib/index.ts', "export * from './api';\nexport * as gen from '../gen/generated';\n");
    // Through the namespace `gen`, the generated classes are exported; an index without it reports them (narrow.ts).
    const problems = (index: string) => publicApiProblems(path.join(dir, index), { ownDirs: [path.join(dir, 'lib'), path.join(dir, 'gen')] })
      .map((line) => line.replace(/\(.*public-api-[^/]+\//, '('));
    expect(problems('lib/index.ts')).toEqual([
      'Construct.constructor uses HiddenProp (lib/hidden.ts), which index.ts does not export',
      'Construct.inferred uses HiddenProp (lib/hidden.ts), which index.ts does not export',
      'Construct.list uses HiddenAlias (lib/hidden.ts), which index.ts does not export',
      'Construct.passed uses HiddenProp (lib/hidden.ts), which index.ts does not export',
      'Shown uses HiddenBase (lib/hidden.ts), which index.ts does not export',
      'Shown.kind uses HiddenKind (lib/hidden.ts), which index.ts does not export',
      'helper is marked @internal but index.ts exports it',
      'infers uses HiddenResult (lib/hidden.ts), which index.ts does not export',
      'takes uses Hidden (lib/hidden.ts), which index.ts does not export',
    ]);
    write('lib/narrow.ts', "export { Construct } from './api';\n");
    expect(problems('lib/narrow.ts')).toEqual([
      'Construct.constructor uses HiddenProp (lib/hidden.ts), which narrow.ts does not export',
      'Construct.generated uses Generated (gen/generated.ts), which narrow.ts does not export',
      'Construct.inferred uses HiddenProp (lib/hidden.ts), which narrow.ts does not export',
      'Construct.list uses HiddenAlias (lib/hidden.ts), which narrow.ts does not export',
      'Construct.passed uses HiddenProp (lib/hidden.ts), which narrow.ts does not export',
      'Construct.shownGenerated uses GeneratedShown (gen/generated.ts), which narrow.ts does not export',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
