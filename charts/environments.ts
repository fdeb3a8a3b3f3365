import { Duration } from 'cdk8s';
import { Environment, AccessPolicy } from '../lib';
import { RolloutsDemoValues } from './rollouts-demo';

/** An environment and the values of the scenarios it runs. Promotion = a reviewed change of one entry here. */
export interface EnvironmentValues extends Environment {
  /** Values of its `<name>-rollouts-demo` target. */
  readonly rolloutsDemo: RolloutsDemoValues;
}

/**
 * The environments, in promotion order. A change is promoted by editing staging first, reviewing the diff of
 * dist/staging-* (`npm run diff`), then making the same edit to production in a second change.
 * Add a cluster: register it with Argo CD (`argocd cluster add <context> --name <name>`) and append it to `clusters`.
 */
export const ENVIRONMENTS: readonly EnvironmentValues[] = [
  {
    name: 'staging',
    clusters: [{ name: 'staging-eu-1', server: 'https://staging-eu-1.k8s.example.org' }],
    rolloutsDemo: {
      replicas: 2,
      image: 'quay.io/stefanprodan/podinfo:1.7.1',
      canaryWeights: [50],
      pause: Duration.seconds(10),
      minimumSuccessRate: 0.95,
      accessPolicy: AccessPolicy.AUDIT,
    },
  },
  {
    name: 'production',
    clusters: [
      { name: 'production-eu-1', server: 'https://production-eu-1.k8s.example.org' },
      { name: 'production-us-1', server: 'https://production-us-1.k8s.example.org' },
    ],
    rolloutsDemo: {
      replicas: 6,
      image: 'quay.io/stefanprodan/podinfo:1.7.0',
      canaryWeights: [10, 25, 50, 75],
      pause: Duration.minutes(2),
      minimumSuccessRate: 0.99,
      accessPolicy: AccessPolicy.DENY,
    },
  },
];
