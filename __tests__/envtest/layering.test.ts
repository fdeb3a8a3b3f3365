import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

test('only scripts and tests import lib/envtest; lib/envtest imports no constructs', () => {
  const product = [...tsFiles(path.join(ROOT, 'lib')).filter((file) => !file.includes(`${path.sep}envtest${path.sep}`)),
    ...tsFiles(path.join(ROOT, 'charts')), path.join(ROOT, 'main.ts')];
  const importers = product.filter((file) => /from '[^']*envtest[^']*'/.test(fs.readFileSync(file, 'utf8')));
  expect(importers.map((file) => path.relative(ROOT, file))).toEqual([]);
  const envtest = tsFiles(path.join(ROOT, 'lib', 'envtest'));
  const imports = envtest.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]));
  const allowed = /^(\.\/|\.\.\/validation$|fs$|os$|path$|net$|https$|crypto$|child_process$|js-yaml$)/;
  expect(imports.filter((module) => !allowed.test(module))).toEqual([]);
});
