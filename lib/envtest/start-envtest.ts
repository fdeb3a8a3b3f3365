import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ApiClient, ApiConnection } from './api-client';
import { CrdToInstall, installCrds, readCrds } from './crds';
import { discoverResources, ResourceMap } from './discovery';
import { SupervisedProcess } from './supervised-process';

/** The binaries an envtest assets folder must hold (kubectl is laid out too, but the harness talks REST). */
const REQUIRED_BINARIES = ['etcd', 'kube-apiserver'];

export const DEFAULT_CRD_DIR = path.join(__dirname, '..', '..', 'crds');

/** Thrown when KUBEBUILDER_ASSETS is unset or does not hold the binaries; the message says how to get them. */
export class EnvtestUnavailableError extends Error {}

export interface EnvtestOptions {
  /**
   * Folder with etcd and kube-apiserver, as laid out by setup-envtest.
   * @default process.env.KUBEBUILDER_ASSETS
   */
  readonly assetsDir?: string;
  /**
   * CRD files or folders (walked for *.yaml) installed before the server is handed out.
   * @default the vendored crds/ of this repository
   */
  readonly crdPaths?: readonly string[];
  /**
   * The CRDs to install, instead of reading `crdPaths` (e.g. only those the objects need, see `crdsUsedBy`).
   * @default the CRDs of `crdPaths`
   */
  readonly crds?: readonly CrdToInstall[];
  /**
   * How long etcd + kube-apiserver may take to become ready.
   * @default 300000 (a 2-core machine takes 10-35 s under load; see BENCHMARKS.md)
   */
  readonly startTimeoutMs?: number;
  /**
   * Where the temporary folder (etcd data, certificates, key, token file, logs) is made.
   * @default os.tmpdir()
   */
  readonly tempRoot?: string;
}

/** A running etcd + kube-apiserver on loopback, ready, with the CRDs installed. */
export interface Envtest {
  readonly connection: ApiConnection;
  readonly client: ApiClient;
  /** The served kinds after the CRDs were installed. */
  readonly resources: ResourceMap;
  /** Milliseconds from start to ready (processes up, /readyz ok), and to CRDs established and discovered. */
  readonly timings: { readonly readyMs: number; readonly crdsMs: number };
  /** The temporary folder (removed by stop). */
  readonly dir: string;
  /** Process group ids of etcd and kube-apiserver (each under its supervisor), for diagnostics and tests. */
  readonly processGroups: readonly number[];
  /** Stops both processes (process group kill) and removes the temporary folder; idempotent. */
  stop(): Promise<void>;
}

export const KUBEBUILDER_ASSETS_HELP =
  'set KUBEBUILDER_ASSETS to a folder holding etcd and kube-apiserver: in this repository '
  + '`export KUBEBUILDER_ASSETS="$(pwd)/../shared/envtest/k8s/1.28.7-linux-amd64"`; elsewhere '
  + '`export KUBEBUILDER_ASSETS="$(setup-envtest use 1.28.x -p path)"` '
  + '(go install sigs.k8s.io/controller-runtime/tools/setup-envtest@latest)';

/** Checks the assets folder without starting anything; returns the folder or throws EnvtestUnavailableError. */
export function resolveAssetsDir(assetsDir: string | undefined = process.env.KUBEBUILDER_ASSETS): string {
  if (assetsDir === undefined || assetsDir === '') throw new EnvtestUnavailableError(`KUBEBUILDER_ASSETS is not set; ${KUBEBUILDER_ASSETS_HELP}`);
  for (const binary of REQUIRED_BINARIES) {
    const file = path.join(assetsDir, binary);
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      throw new EnvtestUnavailableError(`KUBEBUILDER_ASSETS=${assetsDir} has no executable ${binary}; ${KUBEBUILDER_ASSETS_HELP}`);
    }
  }
  return assetsDir;
}

/**
 * Starts etcd and kube-apiserver on loopback ports in a fresh temporary folder (the server generates its own
 * self-signed serving certificate there; the service-account key and a system:masters token are made here), waits for
 * /readyz, installs the CRDs and waits until they are Established and served. Nothing is written outside the
 * temporary folder (the assets folder may be read-only). Whatever fails, what was started is stopped again.
 */
export async function startEnvtest(options: EnvtestOptions = {}): Promise<Envtest> {
  const assetsDir = resolveAssetsDir(options.assetsDir);
  const crds = options.crds ?? readCrds(options.crdPaths ?? [DEFAULT_CRD_DIR]);
  // A port picked free can be taken before the server binds it; one retry covers that race.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(assetsDir, crds, options.startTimeoutMs ?? 300_000, options.tempRoot ?? os.tmpdir());
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !/address already in use/.test(error.message)) throw error;
    }
  }
}

async function startOnce(assetsDir: string, crds: readonly CrdToInstall[], timeoutMs: number, tempRoot: string): Promise<Envtest> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const dir = fs.mkdtempSync(path.join(tempRoot, 'envtest-'));
  const instance = new RunningInstance(dir);
  try {
    const [etcdClient, etcdPeer, securePort] = await freePorts(3);
    const token = crypto.randomBytes(24).toString('hex');
    const serviceAccountKey = path.join(dir, 'sa.key');
    const { privateKey } = await generateRsaKey();
    fs.writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(tokenFile, `${token},envtest-admin,envtest-admin,"system:masters"\n`, { mode: 0o600 });
    const certDir = path.join(dir, 'certs');

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    instance.add(new SupervisedProcess('etcd', path.join(assetsDir, 'etcd'), [
      '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    ], path.join(dir, 'etcd.log')));
    // kube-apiserver waits for etcd itself, so both start at once.
    instance.add(new SupervisedProcess('kube-apiserver', path.join(assetsDir, 'kube-apiserver'), [
      '--etcd-servers', etcdUrl,
      '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(securePort),
      '--cert-dir', certDir,
      '--endpoint-reconciler-type', 'none', '--service-cluster-ip-range', '10.0.0.0/24',
      '--service-account-issuer', 'https://kubernetes.default.svc',
      '--service-account-key-file', serviceAccountKey, '--service-account-signing-key-file', serviceAccountKey,
      '--token-auth-file', tokenFile, '--authorization-mode', 'RBAC',
      // No controllers run, so pods need no token; privileged containers are allowed as on kubeadm/managed clusters.
      '--disable-admission-plugins', 'ServiceAccount', '--allow-privileged=true',
      // Flow control only seeds objects and queues requests: it judges nothing, and costs start-up time.
      '--enable-priority-and-fairness=false', '--profiling=false',
    ], path.join(dir, 'kube-apiserver.log')));

    const ca = await waitFor(deadline, instance, 'the serving certificate', () => readIfExists(path.join(certDir, 'apiserver.crt')));
    const connection: ApiConnection = { server: `https://127.0.0.1:${securePort}`, ca, token };
    const client = new ApiClient(connection);
    instance.client = client;
    await waitFor(deadline, instance, '/readyz', async () => {
      const response = await client.get('/readyz').catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    });
    const readyMs = Date.now() - started;
    await installCrds(client, crds, Math.max(1, deadline - Date.now()));
    const resources = await waitFor(deadline, instance, 'the CRDs in discovery', async () => {
      const map = await discoverResources(client);
      return crds.every((crd) => crd.servedVersions.every((version) => map.find(crd.group, version, crd.kind) !== undefined)) ? map : undefined;
    });
    const processGroups = instance.processes.flatMap((p) => (p.pid !== undefined ? [p.pid] : []));
    return { connection, client, resources, timings: { readyMs, crdsMs: Date.now() - started }, dir, processGroups, stop: () => instance.stop() };
  } catch (error) {
    await instance.stop();
    throw error;
  }
}

/** Polls `probe` every 100 ms until it returns a value; fails early with the logs when a process died. */
async function waitFor<T>(
  deadline: number, instance: RunningInstance, what: string, probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  for (;;) {
    const dead = instance.processes.find((p) => !p.running);
    if (dead !== undefined) throw new Error(`envtest: ${dead.name} ${dead.describeExit()} while waiting for ${what}:\n${dead.logTail()}`);
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = instance.processes.map((p) => `--- ${p.name} ---\n${p.logTail(8)}`).join('\n');
      throw new Error(`envtest: timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readIfExists(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.includes('-----END CERTIFICATE-----') ? text : undefined;
  } catch {
    return undefined;
  }
}

function generateRsaKey(): Promise<{ privateKey: string }> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    });
  });
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Running instances, so a signal or an unexpected exit still stops them. */
const LIVE = new Set<RunningInstance>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  for (const instance of LIVE) instance.stopNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener('exit', onExit);
  // With our listener gone, re-raising gives the default behaviour (exit by that signal) unless the program has its own.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  for (const instance of LIVE) instance.stopNow();
}

class RunningInstance {
  readonly processes: SupervisedProcess[] = [];
  client: ApiClient | undefined;
  private stopping: Promise<void> | undefined;

  constructor(readonly dir: string) {
    if (LIVE.size === 0) {
      for (const signal of SIGNALS) process.on(signal, onSignal);
      process.on('exit', onExit);
    }
    LIVE.add(this);
  }

  add(p: SupervisedProcess): void {
    this.processes.push(p);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.client?.close();
      // The API server first, so it never runs without its etcd.
      for (const p of [...this.processes].reverse()) await p.stop();
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.forget();
    })();
    return this.stopping;
  }

  /** Synchronous variant for signal and exit handlers. */
  stopNow(): void {
    for (const p of this.processes) p.killNow();
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.forget();
  }

  private forget(): void {
    LIVE.delete(this);
    if (LIVE.size === 0) {
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
      process.removeListener('exit', onExit);
    }
  }
}
