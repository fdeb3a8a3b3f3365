import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';

// The run's scratch folder (support/global-setup.ts): what the suites leave in the temporary directory goes there.
test('the temporary directory of a test is the run\'s scratch folder, and cdk8s test apps write below it', () => {
  const scratch = os.tmpdir();
  expect(path.basename(scratch)).toMatch(/^jest-run-/);
  expect(fs.statSync(scratch).isDirectory()).toBe(true);
  const app = Testing.app();
  expect(path.dirname(app.outdir)).toBe(scratch);
  // tsx's transpile cache stays the machine's, shared by the runs.
  const tsxCache = fs.readdirSync(scratch).filter((name) => name.startsWith('tsx-'));
  expect(tsxCache).toHaveLength(1);
  expect(fs.lstatSync(path.join(scratch, tsxCache[0])).isSymbolicLink()).toBe(true);
});
