import { Duration } from 'cdk8s';
import { integerProblem, invalidValueProblem, throwIfProblems } from '../common';

/**
 * The values of Linkerd's `linkerd-control-plane` Helm chart this project sets: a documented, validated subset
 * (the chart ships no values schema to import). Identity always comes from outside the chart (cert-manager issues
 * the issuer certificate, trust-manager distributes the trust roots), so no key or certificate is ever a value.
 */
export interface LinkerdControlPlaneValues {
  /**
   * Run the chart's high-availability profile (its values-ha.yaml): pod anti-affinity, PodDisruptionBudgets,
   * proxy-injector failure policy Fail. Needs at least 3 replicas.
   * @default false
   */
  readonly highAvailability?: boolean;
  /** Replicas of each control-plane controller (destination, identity, proxy-injector). @default 3 with HA, 1 without */
  readonly controllerReplicas?: number;
  /** Log level of the controllers. @default 'info' */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Cluster domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** How long an issued workload certificate lives. @default Duration.hours(24) (Linkerd's default, not rendered) */
  readonly issuanceLifetime?: Duration;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['highAvailability', 'controllerReplicas', 'logLevel', 'clusterDomain', 'issuanceLifetime']);
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];
const DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The chart values for `values`, validated: throws `[<path>] <what> <value> is invalid; allowed: …` for unknown keys
 * (a typo would otherwise be ignored by Helm), fewer than 1 replica, HA with fewer than 3 replicas.
 */
export function linkerdControlPlaneHelmValues(path: string, values: LinkerdControlPlaneValues = {}): Record<string, unknown> {
  const ha = values.highAvailability ?? false;
  const replicas = values.controllerReplicas ?? (ha ? 3 : 1);
  throwIfProblems(path, [
    ...unknownKeyProblems(values, KNOWN_KEYS),
    integerProblem('controllerReplicas', replicas, 1, 100),
    ha && replicas < 3
      ? invalidValueProblem('controllerReplicas with highAvailability', replicas, 'at least 3 (a quorum survives one node)') : undefined,
    values.logLevel === undefined || LOG_LEVELS.includes(values.logLevel) ? undefined
      : invalidValueProblem('logLevel', values.logLevel, LOG_LEVELS.join(', ')),
    values.clusterDomain === undefined || DOMAIN.test(values.clusterDomain) ? undefined
      : invalidValueProblem('clusterDomain', values.clusterDomain, 'a DNS domain such as cluster.local'),
    values.issuanceLifetime === undefined || values.issuanceLifetime.toSeconds() >= 60 ? undefined
      : invalidValueProblem('issuanceLifetime', values.issuanceLifetime, 'at least 1 minute'),
  ]);
  return {
    controllerReplicas: replicas,
    ...(values.logLevel ? { controllerLogLevel: values.logLevel } : {}),
    ...(values.clusterDomain ? { clusterDomain: values.clusterDomain } : {}),
    // The issuer certificate is the cert-manager Certificate `linkerd-identity-issuer` (kubernetes.io/tls Secret),
    // the trust roots the trust-manager Bundle `linkerd-identity-trust-roots`: the chart creates neither.
    identity: {
      externalCA: true,
      issuer: {
        scheme: 'kubernetes.io/tls',
        ...(values.issuanceLifetime ? { issuanceLifetime: `${values.issuanceLifetime.toSeconds()}s` } : {}),
      },
    },
    ...(ha ? {
      highAvailability: true,
      enablePodAntiAffinity: true,
      enablePodDisruptionBudget: true,
      webhookFailurePolicy: 'Fail',
    } : {}),
  };
}

/** Problems for keys a values interface does not declare (JavaScript callers, objects spread from elsewhere). */
export function unknownKeyProblems(values: object, known: ReadonlySet<string>): string[] {
  return Object.keys(values).filter((key) => !known.has(key))
    .map((key) => invalidValueProblem('values key', key, [...known].join(', ')));
}
