import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpawnResult, spawnAsync } from './spawn-async';

const ROOT = path.resolve(__dirname, '..', '..');
/** The validation plugin this app's cdk8s.yaml names, as the CLI's report names it. */
export const PLUGIN = path.join(ROOT, 'lib', 'cdk8s-plugin');

/**
 * `npx cdk8s synth <flags> --output <home>/scratch` of this app, writing <home>/dist: `npx cdk8s` runs
 * node_modules/.bin/cdk8s (tools/cdk8s/bin/cdk8s.js). No CDK8S_CHECK_UPGRADE from outside (.ci/run exports it) and an
 * empty HOME (no cached version): the update check would have to reach the registry.
 */
export function npxCdk8sSynth(home: string, flags: readonly string[]): Promise<SpawnResult> {
  fs.mkdirSync(home, { recursive: true });
  const { CDK8S_CHECK_UPGRADE: _unset, ...environment } = process.env;
  return spawnAsync(process.execPath, [path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), 'synth', ...flags, '--output', path.join(home, 'scratch')], {
    cwd: ROOT,
    env: { ...environment, HOME: home, RENDER_OUTDIR: path.join(home, 'dist') },
  });
}

/** The run used our validation plugin and it passed; exit 0, no stack trace or update notice. */
export function expectOurPluginPassed(result: SpawnResult): void {
  const output = result.stdout + result.stderr;
  expect(result.status).toBe(0);
  expect(output).toContain(`Validation Report (${PLUGIN}@0.1.0)`);
  expect(output).toMatch(/Status +│ success/);
  expect(output).toContain('Validations ended succesfully');
  expect(output).not.toMatch(/new version|http error|^\s+at /m);
  expect(result.stderr).toBe('');
}
