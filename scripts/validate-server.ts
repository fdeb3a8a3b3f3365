/**
 * `validate --server envtest|kubeconfig[=<context>]`: the API server's verdict instead of the offline validator's.
 *
 * envtest: a throwaway etcd + kube-apiserver from KUBEBUILDER_ASSETS with the vendored CRDs; the namespaces the
 * objects use are created there. kubeconfig: the user's cluster (admission webhooks included), strictly read-only:
 * discovery GETs and dry-run POSTs, nothing else; a namespace or CRD the cluster lacks is reported, not created.
 */
import {
  ApiClient, crdsUsedBy, DEFAULT_CRD_DIR, discoverResources, DryRunner, dryRunTargets, EnvtestUnavailableError, KubeconfigError, loadKubeconfig,
  readCrds, startEnvtest,
} from '../lib/envtest';
import { ValidationProblem, ValidationTarget } from '../lib/validation';

export type ServerMode = { readonly kind: 'envtest' } | { readonly kind: 'kubeconfig'; readonly context?: string };

/** `envtest`, `kubeconfig` or `kubeconfig=<context>`; a string is the usage error. */
export function parseServerMode(value: string): ServerMode | string {
  if (value === 'envtest') return { kind: 'envtest' };
  if (value === 'kubeconfig') return { kind: 'kubeconfig' };
  const prefix = 'kubeconfig=';
  if (value.startsWith(prefix) && value.length > prefix.length) return { kind: 'kubeconfig', context: value.slice(prefix.length) };
  return `--server ${value} is invalid; allowed: envtest, kubeconfig, kubeconfig=<context>`;
}

/** Thrown when the mode cannot run (no binaries, unusable kubeconfig, unreachable server): exit 2 with the message. */
export class ServerModeUnavailable extends Error {}

export async function validateWithServer(mode: ServerMode, targets: readonly ValidationTarget[]): Promise<ValidationProblem[]> {
  if (mode.kind === 'envtest') {
    let envtest;
    try {
      const manifests = targets.flatMap((target) => target.subjects.map((subject) => subject.manifest));
      envtest = await startEnvtest({ crds: crdsUsedBy(manifests, readCrds([DEFAULT_CRD_DIR])) });
    } catch (error) {
      if (error instanceof EnvtestUnavailableError) throw new ServerModeUnavailable(`--server envtest: ${error.message}`);
      throw error;
    }
    try {
      return await dryRunTargets(new DryRunner(envtest.client, envtest.resources, { createNamespaces: true }), targets);
    } finally {
      await envtest.stop();
    }
  }
  let kubeconfig;
  try {
    kubeconfig = loadKubeconfig(mode.context);
  } catch (error) {
    if (error instanceof KubeconfigError) throw new ServerModeUnavailable(`--server kubeconfig: ${error.message}`);
    throw error;
  }
  const client = new ApiClient({ ...kubeconfig.connection, readOnly: true });
  try {
    let resources;
    try {
      resources = await discoverResources(client);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const where = `context "${kubeconfig.context}" (${kubeconfig.connection.server})`;
      throw new ServerModeUnavailable(`--server kubeconfig: cannot read the discovery documents of ${where}: ${why}`);
    }
    const problems = await dryRunTargets(new DryRunner(client, resources, { defaultNamespace: kubeconfig.namespace }), targets);
    return problems.map((problem) => withClusterHint(problem, kubeconfig.context));
  } finally {
    client.close();
  }
}

/** Says what a rejection caused by the cluster's state means, since this mode never creates anything. */
function withClusterHint(problem: ValidationProblem, context: string): ValidationProblem {
  const namespace = /^namespaces "([^"]*)" not found$/.exec(problem.message);
  if (problem.rule === 'apiserver/NotFound' && namespace !== null) {
    const message = `namespace "${namespace[1]}" does not exist in context "${context}" (not created: --server kubeconfig only sends dry runs)`;
    return { ...problem, message };
  }
  if (problem.rule === 'apiserver/NoKindMatch') {
    return { ...problem, message: `${problem.message}: context "${context}" does not serve it (CRD not installed?)` };
  }
  return problem;
}
