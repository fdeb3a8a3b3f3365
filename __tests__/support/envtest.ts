import * as fs from 'fs';
import {
  ApiClient, ApiConnection, discoverResources, DryRunner, KUBEBUILDER_ASSETS_HELP, ResourceMap, resolveAssetsDir, startEnvtest,
} from '../../lib/envtest';

/** Environment variable naming the connection file of the run's shared server (set by envtest-global-setup.ts). */
export const SHARED_ENVTEST_FILE_VAR = 'ENVTEST_SHARED_CONNECTION_FILE';

export type SharedEnvtestFile =
  | { readonly connection: ApiConnection; readonly timings: { readonly readyMs: number; readonly crdsMs: number } }
  | { readonly error: string };

/** Why the real-API-server tests do not run here, or undefined when they do. */
export const envtestSkipReason: string | undefined = (process.env.KUBEBUILDER_ASSETS ?? '') === ''
  ? `KUBEBUILDER_ASSETS is not set, so there is no real kube-apiserver to test against; ${KUBEBUILDER_ASSETS_HELP}`
  : undefined;

/** A connection to the run's API server, with discovery read and a dry runner that creates the namespaces it needs. */
export interface EnvtestHandle {
  readonly connection: ApiConnection;
  readonly client: ApiClient;
  readonly resources: ResourceMap;
  readonly runner: DryRunner;
}

/** The global setup's start timeout (300 s) and some. */
const WAIT_MS = 330_000;

/**
 * Declares a suite against the real API server: `define` gets an accessor for the server (ready in beforeAll). Without
 * KUBEBUILDER_ASSETS the suite is one skipped test whose name says why, plus a console warning.
 */
export function envtestSuite(name: string, define: (envtest: () => EnvtestHandle) => void): void {
  if (envtestSkipReason !== undefined) {
    console.warn(`${name}: skipped: ${envtestSkipReason}`);
    test.skip(`${name} [skipped: KUBEBUILDER_ASSETS is not set; see the warning above]`, () => undefined);
    return;
  }
  let handle: EnvtestHandle | undefined;
  let stopOwn: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const shared = process.env[SHARED_ENVTEST_FILE_VAR];
    let connection: ApiConnection;
    if (shared !== undefined) {
      connection = await waitForSharedServer(shared);
    } else {
      // Not started by the global setup (another jest config): this suite brings its own.
      resolveAssetsDir();
      const own = await startEnvtest();
      connection = own.connection;
      stopOwn = () => own.stop();
    }
    const client = new ApiClient(connection);
    const resources = await discoverResources(client);
    handle = { connection, client, resources, runner: new DryRunner(client, resources, { createNamespaces: true }) };
  }, WAIT_MS + 30_000);
  afterAll(async () => {
    handle?.client.close();
    await stopOwn?.();
  });
  define(() => {
    if (handle === undefined) throw new Error('envtest is not ready (its beforeAll failed)');
    return handle;
  });
}

async function waitForSharedServer(file: string): Promise<ApiConnection> {
  const deadline = Date.now() + WAIT_MS;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the shared envtest server did not come up within ${WAIT_MS} ms (no ${file})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as SharedEnvtestFile;
  if ('error' in content) throw new Error(`the shared envtest server failed to start: ${content.error}`);
  return content.connection;
}
