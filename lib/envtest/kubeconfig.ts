import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import { ApiConnection } from './api-client';

/** Thrown for a kubeconfig that cannot be used; the message names the file, the context and what is missing. */
export class KubeconfigError extends Error {}

interface Named<T> {
  readonly name: string;
  readonly value: T;
  /** The file it came from (relative paths inside it are relative to its folder). */
  readonly file: string;
}

interface KubeconfigCluster {
  readonly server?: string;
  readonly 'certificate-authority'?: string;
  readonly 'certificate-authority-data'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'proxy-url'?: string;
}

interface KubeconfigUser {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly 'client-certificate'?: string;
  readonly 'client-certificate-data'?: string;
  readonly 'client-key'?: string;
  readonly 'client-key-data'?: string;
  readonly exec?: {
    readonly command: string;
    readonly args?: readonly string[];
    readonly env?: ReadonlyArray<{ name: string; value: string }>;
  };
  readonly 'auth-provider'?: unknown;
  readonly username?: string;
}

interface KubeconfigContext {
  readonly cluster?: string;
  readonly user?: string;
  readonly namespace?: string;
}

/** The connection of one kubeconfig context, and which context and files it came from. */
export interface KubeconfigConnection {
  readonly context: string;
  /** The context's namespace, for objects that name none ("default" when the context sets none). */
  readonly namespace: string;
  readonly connection: ApiConnection;
  readonly files: readonly string[];
}

/** The kubeconfig files kubectl reads: $KUBECONFIG (a path list, first occurrence of a name wins), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = env.KUBECONFIG;
  if (list !== undefined && list !== '') return list.split(path.delimiter).filter((file) => file !== '');
  return [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
}

/**
 * Reads the kubeconfig like kubectl does (merged files, first wins; `current-context` unless a context is named) and
 * resolves the context to a connection: server, CA (file or data), and a token, token file, client certificate and key
 * (files or data), or an exec credential plugin (run once, its ExecCredential status used).
 */
export function loadKubeconfig(contextName?: string, files: readonly string[] = kubeconfigFiles()): KubeconfigConnection {
  const clusters = new Map<string, Named<KubeconfigCluster>>();
  const users = new Map<string, Named<KubeconfigUser>>();
  const contexts = new Map<string, Named<KubeconfigContext>>();
  let currentContext: string | undefined;
  const read: string[] = [];
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    let document: Record<string, unknown>;
    try {
      document = (jsYaml.load(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    read.push(file);
    collect(document.clusters, 'cluster', file, clusters);
    collect(document.users, 'user', file, users);
    collect(document.contexts, 'context', file, contexts);
    if (currentContext === undefined && typeof document['current-context'] === 'string' && document['current-context'] !== '') {
      currentContext = document['current-context'];
    }
  }
  if (read.length === 0) throw new KubeconfigError(`no kubeconfig found (looked for ${files.join(', ')}); set KUBECONFIG or create ~/.kube/config`);
  const name = contextName ?? currentContext;
  const where = read.join(', ');
  if (name === undefined) throw new KubeconfigError(`kubeconfig ${where} has no current-context; name one: --server kubeconfig=<context>`);
  const context = contexts.get(name);
  if (context === undefined) {
    throw new KubeconfigError(`kubeconfig ${where} has no context "${name}"; allowed: ${[...contexts.keys()].sort().join(', ') || '(none)'}`);
  }
  const cluster = clusters.get(context.value.cluster ?? '');
  if (cluster === undefined) {
    throw new KubeconfigError(`context "${name}" names cluster "${context.value.cluster ?? ''}", which ${where} does not define`);
  }
  if (typeof cluster.value.server !== 'string' || cluster.value.server === '') throw new KubeconfigError(`cluster "${cluster.name}" has no server`);
  if (cluster.value['proxy-url'] !== undefined) {
    throw new KubeconfigError(`cluster "${cluster.name}" uses proxy-url, which --server kubeconfig does not support`);
  }
  const user = context.value.user === undefined || context.value.user === '' ? undefined : users.get(context.value.user);
  if (context.value.user !== undefined && context.value.user !== '' && user === undefined) {
    throw new KubeconfigError(`context "${name}" names user "${context.value.user}", which ${where} does not define`);
  }
  const ca = pem(cluster.value['certificate-authority-data'], cluster.value['certificate-authority'], cluster.file);
  const credentials = user === undefined ? {} : credentialsOf(user);
  const connection: ApiConnection = {
    server: cluster.value.server,
    ...(ca !== undefined ? { ca } : {}),
    ...(cluster.value['insecure-skip-tls-verify'] === true ? { insecureSkipTlsVerify: true } : {}),
    ...credentials,
  };
  const namespace = typeof context.value.namespace === 'string' && context.value.namespace !== '' ? context.value.namespace : 'default';
  return { context: name, namespace, connection, files: read };
}

function collect<T>(list: unknown, field: string, file: string, into: Map<string, Named<T>>): void {
  if (!Array.isArray(list)) return;
  for (const entry of list as Array<Record<string, unknown>>) {
    const name = entry?.name;
    if (typeof name !== 'string' || into.has(name)) continue;
    into.set(name, { name, value: (entry[field] ?? {}) as T, file });
  }
}

function resolvePath(file: string, relativeTo: string): string {
  return path.isAbsolute(file) ? file : path.join(path.dirname(relativeTo), file);
}

function pem(data: string | undefined, file: string | undefined, kubeconfig: string): string | undefined {
  if (data !== undefined && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  if (file !== undefined && file !== '') return fs.readFileSync(resolvePath(file, kubeconfig), 'utf8');
  return undefined;
}

function credentialsOf(user: Named<KubeconfigUser>): Credentials {
  const u = user.value;
  const clientCertificate = pem(u['client-certificate-data'], u['client-certificate'], user.file);
  const clientKey = pem(u['client-key-data'], u['client-key'], user.file);
  if ((clientCertificate === undefined) !== (clientKey === undefined)) {
    throw new KubeconfigError(`user "${user.name}" has a client certificate without its key or a key without its certificate`);
  }
  const cert = clientCertificate !== undefined && clientKey !== undefined ? { clientCertificate, clientKey } : {};
  if (typeof u.token === 'string' && u.token !== '') return { ...cert, token: u.token };
  if (typeof u.tokenFile === 'string' && u.tokenFile !== '') {
    return { ...cert, token: fs.readFileSync(resolvePath(u.tokenFile, user.file), 'utf8').trim() };
  }
  if (u.exec !== undefined) return { ...cert, ...execCredential(user.name, u.exec) };
  if (u['auth-provider'] !== undefined) {
    throw new KubeconfigError(`user "${user.name}" uses an auth-provider plugin, which --server kubeconfig does not support; `
      + 'use an exec plugin or a token');
  }
  if (u.username !== undefined) throw new KubeconfigError(`user "${user.name}" uses basic auth, which --server kubeconfig does not support`);
  return cert;
}

/** Runs a client-go exec credential plugin once (interactive prompts reach the terminal through stdin/stderr). */
type Credentials = Pick<ApiConnection, 'token' | 'clientCertificate' | 'clientKey'>;

function execCredential(userName: string, exec: NonNullable<KubeconfigUser['exec']>): Credentials {
  const env = { ...process.env };
  for (const entry of exec.env ?? []) env[entry.name] = entry.value;
  const result = spawnSync(exec.command, [...(exec.args ?? [])], { env, encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'], timeout: 60_000 });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error !== undefined ? result.error.message : `exit code ${result.status}`;
    throw new KubeconfigError(`user "${userName}": exec credential plugin ${exec.command} failed (${why})`);
  }
  let status: { token?: string; clientCertificateData?: string; clientKeyData?: string } | undefined;
  try {
    status = (JSON.parse(result.stdout) as { status?: typeof status }).status;
  } catch {
    throw new KubeconfigError(`user "${userName}": exec credential plugin ${exec.command} printed no ExecCredential JSON`);
  }
  if (status?.token !== undefined) return { token: status.token };
  if (status?.clientCertificateData !== undefined && status.clientKeyData !== undefined) {
    return { clientCertificate: status.clientCertificateData, clientKey: status.clientKeyData };
  }
  throw new KubeconfigError(`user "${userName}": exec credential plugin ${exec.command} returned neither a token nor a client certificate and key`);
}
