import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Config } from '@jest/types';
import envtestGlobalSetup from './envtest-global-setup';

declare global {
  var testRunScratch: string | undefined;
}

/**
 * jest's global setup: a scratch folder for the run, then the shared API server (envtest-global-setup.ts).
 *
 * The folder becomes TMPDIR for jest's workers and every process the suites start (os.tmpdir() reads it), and
 * global-teardown.ts removes it. Why: cdk8s' Testing.app() makes a folder in the temporary directory for every app
 * and never removes it, about 1,100 per run of these suites, which piled up in /tmp run after run.
 */
export default function globalSetup(globalConfig: Config.GlobalConfig): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-run-'));
  // tsx keeps its transpile cache in the temporary directory (tsx-<euid>): the suites' tsx processes keep the machine's,
  // or every run would transpile cold (about 30 s more in all).
  const tsxCache = `tsx-${process.geteuid?.() ?? os.userInfo().username}`;
  fs.mkdirSync(path.join(os.tmpdir(), tsxCache), { recursive: true });
  fs.symlinkSync(path.join(os.tmpdir(), tsxCache), path.join(scratch, tsxCache));
  process.env.TMPDIR = scratch;
  globalThis.testRunScratch = scratch;
  envtestGlobalSetup(globalConfig);
}
