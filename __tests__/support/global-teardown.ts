import * as fs from 'fs';
import envtestGlobalTeardown from './envtest-global-teardown';

/** jest's global teardown: stops the shared API server, then removes the run's scratch folder (global-setup.ts). */
export default async function globalTeardown(): Promise<void> {
  await envtestGlobalTeardown();
  const scratch = globalThis.testRunScratch;
  globalThis.testRunScratch = undefined;
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
}
