import * as path from 'node:path';
import { readTree, synthesize } from '../lib/output';
import { buildApp } from '../main';

test('the committed dist/ is exactly a fresh synthesis (run `npm run synth` and commit dist/ if this fails)', () => {
  const fresh = synthesize(buildApp).files;
  const committed = readTree(path.resolve(__dirname, '..', 'dist'));
  const stale = [...new Set([...fresh.keys(), ...committed.keys()])]
    .filter((file) => fresh.get(file) !== committed.get(file))
    .map((file) => `${file}: ${!committed.has(file) ? 'missing from dist/' : !fresh.has(file) ? 'no longer synthesized' : 'differs'}`);
  expect(stale).toEqual([]);
  expect(committed.size).toBeGreaterThan(0);
});
