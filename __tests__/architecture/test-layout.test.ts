import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

// Test helpers have one home, __tests__/support/ (fixture apps and shared cases in support/fixtures/). The only other
// non-test sources are the architecture checks beside their tests, and the ported upstream case sets, which stay with
// the upstream files they name.
const ALLOWED_OUTSIDE_SUPPORT = [
  /^__tests__\/architecture\/[a-z-]+\.ts$/,
  /^__tests__\/(policy|validation)\/upstream\//,
];

test('every test helper lives in __tests__/support/', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '__tests__'], { cwd: ROOT })
    .toString().split('\n').filter((f) => /\.(ts|js|cjs|mjs)$/.test(f));
  const strays = files.filter((f) => !f.endsWith('.test.ts') && !f.startsWith('__tests__/support/'))
    .filter((f) => !ALLOWED_OUTSIDE_SUPPORT.some((allowed) => allowed.test(f)));
  expect(files.length).toBeGreaterThan(0);
  expect(strays).toEqual([]);
});

test('chart output is stored once: in dist/, no jest snapshot of a rendered chart', () => {
  const snapshots = execFileSync('git', ['ls-files', '__tests__'], { cwd: ROOT }).toString().split('\n').filter((f) => f.endsWith('.snap'));
  // The snapshots left are of test-only inputs: a fixture app's review report, a render diff, a fake Argo CD target.
  expect(snapshots).toEqual([
    '__tests__/gitops/__snapshots__/argocd-chart.test.ts.snap',
    '__tests__/gitops/__snapshots__/diff-render.test.ts.snap',
    '__tests__/review/__snapshots__/review-report.test.ts.snap',
  ]);
});
