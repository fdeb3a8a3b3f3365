import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Config } from '@jest/types';
import { Envtest, startEnvtest } from '../../lib/envtest';
import { SHARED_ENVTEST_FILE_VAR, SharedEnvtestFile } from './envtest';

/**
 * One API server per jest run (not per suite): when KUBEBUILDER_ASSETS is set and the run includes a suite under
 * __tests__/envtest/ that uses it, this starts etcd + kube-apiserver in the background and returns at once, so other suites run
 * while it comes up; the envtest suites wait for the connection file it writes (server URL, CA, token; mode 0600).
 * globalTeardown stops it. Suites run without this setup (e.g. another jest config) start their own server.
 */
const ENVTEST_SUITES = path.join(__dirname, '..', 'envtest');

declare global {
  var sharedEnvtest: { started: Promise<Envtest | undefined>; file: string } | undefined;
}

/** Whether the run includes a suite that uses the shared server (envtestSuite); other envtest suites start their own. */
function runIncludesSharedServerSuites(globalConfig: Config.GlobalConfig): boolean {
  const pattern = globalConfig.testPathPattern;
  const regex = pattern === '' || pattern === undefined ? undefined : new RegExp(pattern, 'i');
  return fs.readdirSync(ENVTEST_SUITES).some((file) => {
    const full = path.join(ENVTEST_SUITES, file);
    return (regex === undefined || regex.test(full)) && fs.readFileSync(full, 'utf8').includes('envtestSuite(');
  });
}

export default function globalSetup(globalConfig: Config.GlobalConfig): void {
  if ((process.env.KUBEBUILDER_ASSETS ?? '') === '' || !runIncludesSharedServerSuites(globalConfig)) return;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'envtest-jest-')), 'connection.json');
  process.env[SHARED_ENVTEST_FILE_VAR] = file;
  const write = (content: SharedEnvtestFile) => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(content), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  };
  const started = startEnvtest().then((envtest) => {
    write({ connection: envtest.connection, timings: envtest.timings });
    return envtest;
  }, (error: unknown) => {
    write({ error: error instanceof Error ? error.message : String(error) });
    return undefined;
  });
  globalThis.sharedEnvtest = { started, file };
}
