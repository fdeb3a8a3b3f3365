import * as fs from 'fs';
import * as path from 'path';

/** Stops the run's shared API server (see envtest-global-setup.ts) and removes its connection file. */
export default async function globalTeardown(): Promise<void> {
  const shared = globalThis.sharedEnvtest;
  if (shared === undefined) return;
  globalThis.sharedEnvtest = undefined;
  const envtest = await shared.started;
  await envtest?.stop();
  fs.rmSync(path.dirname(shared.file), { recursive: true, force: true });
}
