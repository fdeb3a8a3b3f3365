import { CASES, Json, service, UpstreamCase } from './upstream/argo-rollouts/cases';
import { FLAGGER_CASES } from './upstream/flagger/cases';
import { expectUpstreamVerdict } from './upstream/upstream-case';

/**
 * Rules of the Argo Rollouts / Flagger model that upstream has no test case for, read from upstream code: `file` names
 * the code the verdict comes from. Same verdict check as the ported cases.
 */
const PLUGIN = 'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.6.0 pkg/plugin/plugin.go, httproute.go';
const CANARY_GO = 'argoproj/argo-rollouts v1.9.1 utils/replicaset/canary.go (UseSetCanaryScale, GetCanaryReplicasOrWeight)';
const FACTORY_GO = 'argoproj/argo-rollouts v1.9.1 utils/analysis/factory.go (BuildArgumentsForRolloutAnalysisRun), helpers.go (flattenArgs)';
const REFS_GO = 'argoproj/argo-rollouts v1.9.1 pkg/apis/rollouts/validation/validation_references.go';
const CONTROLLER_GO = 'argoproj/argo-rollouts v1.9.1 rollout/controller.go (getReferencedAnalysisTemplatesFromRef: nested templates)';
const FLAGGER_SCHEDULER = 'fluxcd/flagger v1.44.0 pkg/controller/scheduler.go (maxWeight, nextStepWeight, runCanary)';
const FLAGGER_CANARY = 'fluxcd/flagger v1.44.0 pkg/canary/deployment_controller.go (getSelectorLabel), pkg/router/kubernetes_default.go';

const invalid = (error: string, rule: string, field: string, alsoRules?: readonly string[]) => ({ error, rule, field, alsoRules });
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** The valid "validate service - success" world of the ported cases, with a Gateway API plugin route instead of ALB. */
function pluginWorld(plugin: Json, canary: Json = {}, routeBackends = ['stable', 'canary']): Json[] {
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'ro', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'ro' } },
      template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'c', image: 'foo' }] } },
      strategy: { canary: { stableService: 'stable', canaryService: 'canary', trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': plugin } },
        steps: [{ setWeight: 10 }], ...canary } },
    },
  };
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'default' },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'root', port: 80 }], rules: [{ backendRefs: routeBackends.map((name) => ({ group: '',
      kind: 'Service', name, port: 80, weight: 50 })) }] },
  };
  return [rollout, service('stable'), service('canary'), service('root'), route];
}

function withStep(step: Json, trafficRouting: Json | undefined = { smi: {} }): Json[] {
  return pluginWorld({ httpRoute: 'web', namespace: 'default' }, { trafficRouting, steps: [step] });
}

interface TemplateSpec { name: string; args: Json[]; metric?: string; nests?: string[]; referenced?: boolean }
function analysisWorld(rolloutArgs: Json[], templates: TemplateSpec[]): Json[] {
  const world = pluginWorld({ httpRoute: 'web', namespace: 'default' }, {
    analysis: { templates: templates.filter((t) => t.referenced !== false).map((t) => ({ templateName: t.name })), args: rolloutArgs },
  });
  return [...world, ...templates.map((t) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: t.name, namespace: 'default' },
    spec: t.nests ? { args: t.args, templates: t.nests.map((templateName) => ({ templateName })) }
      : { args: t.args, metrics: [{ name: t.metric ?? t.name, provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } } }] },
  }))];
}

const flaggerBase = FLAGGER_CASES.find((c) => c.test === 'TestScheduler_DeploymentPromotion')!.objects;
function flagger(change: (canary: { spec: Json & { analysis: Json; service: Json } }, deployment: { spec: Json }) => void): Json[] {
  const objects = clone(flaggerBase) as Array<{ kind: string; spec: never }>;
  change(objects.find((o) => o.kind === 'Canary')! as never, objects.find((o) => o.kind === 'Deployment')! as never);
  return objects;
}

const MODEL_CASES: readonly UpstreamCase[] = [
  { file: PLUGIN, test: 'one httpRoute with both Services as backends', objects: pluginWorld({ httpRoute: 'web', namespace: 'default' }),
    upstream: 'valid' },
  { file: PLUGIN, test: 'httpRoutes list entries with names', objects: pluginWorld({ httpRoutes: [{ name: 'web', useHeaderRoutes: true }],
    namespace: 'default' }), upstream: 'valid' },
  { file: PLUGIN, test: 'no route configured ("No routes configured")', objects: pluginWorld({ namespace: 'default' }),
    upstream: invalid('No routes configured', 'semantic/rollout-plugin', 'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]') },
  { file: PLUGIN, test: 'httpRoutes entry without name (validator: required)', objects: pluginWorld({ httpRoutes: [{ useHeaderRoutes: true }],
    namespace: 'default' }),
    upstream: invalid("Key: 'HTTPRoute.Name' Error:Field validation for 'Name' failed on the 'required' tag", 'semantic/rollout-plugin',
      'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoutes[0].name', ['semantic/rollout-plugin']) },
  { file: PLUGIN, test: 'no canaryService: getBackendRefs finds no backendRef ""', objects: pluginWorld({ httpRoute: 'web', namespace: 'default' },
    { canaryService: undefined }),
    upstream: invalid('backendRef was not found in httpRoute', 'semantic/rollout-plugin', 'spec.strategy.canary.canaryService') },
  { file: PLUGIN, test: 'route without the canary backendRef', objects: pluginWorld({ httpRoute: 'web', namespace: 'default' }, {}, ['stable']),
    upstream: invalid('backendRef was not found in httpRoute', 'ref/rollout-httproute',
      'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"].httpRoute') },
  { file: CANARY_GO, test: 'setCanaryScale with replicas: valid', objects: withStep({ setCanaryScale: { replicas: 1 } }), upstream: 'valid' },
  { file: CANARY_GO, test: 'setCanaryScale replicas and weight: weight ignored', objects: withStep({ setCanaryScale: { replicas: 1, weight: 20 } }),
    upstream: invalid('GetCanaryReplicasOrWeight returns scs.Replicas first', 'semantic/rollout-canary-scale',
      'spec.strategy.canary.steps[0].setCanaryScale.weight') },
  { file: CANARY_GO, test: 'setCanaryScale matchTrafficWeight with replicas: replicas ignored',
    objects: withStep({ setCanaryScale: { matchTrafficWeight: true, replicas: 2 } }),
    upstream: invalid('UseSetCanaryScale returns nil for matchTrafficWeight', 'semantic/rollout-canary-scale',
      'spec.strategy.canary.steps[0].setCanaryScale.replicas') },
  { file: FACTORY_GO, test: 'podTemplateHashValue other than Latest/Stable yields an empty value',
    objects: analysisWorld([{ name: 'hash', valueFrom: { podTemplateHashValue: 'latest' } }], [{ name: 'a', args: [{ name: 'hash' }] }]),
    upstream: invalid('switch falls through: value ""', 'semantic/rollout-analysis-arg',
      'spec.strategy.canary.analysis.args[0].valueFrom.podTemplateHashValue') },
  { file: FACTORY_GO, test: 'two templates give one argument different values',
    objects: analysisWorld([], [{ name: 'a', args: [{ name: 'x', value: '1' }] }, { name: 'b', args: [{ name: 'x', value: '2' }] }]),
    upstream: invalid("Argument `x` specified multiple times with different values: '1', '2'", 'ref/rollout-analysis',
      'spec.strategy.canary.analysis.templates[1].templateName') },
  { file: FACTORY_GO, test: 'two templates with the same metric name',
    objects: analysisWorld([], [{ name: 'a', args: [], metric: 'm' }, { name: 'b', args: [], metric: 'm' }]),
    upstream: invalid("two metrics have the same name 'm'", 'ref/rollout-analysis', 'spec.strategy.canary.analysis.templates[1].templateName') },
  { file: FACTORY_GO, test: 'a Rollout argument supplies the template argument', objects: analysisWorld([{ name: 'x', value: 'v' }], [{ name: 'a',
    args: [{ name: 'x' }] }]), upstream: 'valid' },
  { file: CONTROLLER_GO, test: 'a template composing another (spec.templates) takes its metrics and arguments', upstream: 'valid',
    objects: analysisWorld([{ name: 'x', value: 'v' }], [{ name: 'all', args: [], nests: ['inner'] }, { name: 'inner', args: [{ name: 'x' }],
      referenced: false }]) },
  { file: CONTROLLER_GO, test: 'a nested template argument the Rollout does not supply',
    objects: analysisWorld([], [{ name: 'all', args: [], nests: ['inner'] }, { name: 'inner', args: [{ name: 'x' }], referenced: false }]),
    upstream: invalid('args.x was not resolved', 'ref/rollout-analysis-arg', 'spec.strategy.canary.analysis.args') },
  { file: CONTROLLER_GO, test: 'a nested template not in the target', objects: analysisWorld([], [{ name: 'all', args: [], nests: ['missing'] }]),
    upstream: invalid("AnalysisTemplate 'missing' not found", 'ref/rollout-analysis', 'spec.strategy.canary.analysis.templates[0].templateName') },
  { file: REFS_GO, test: 'workloadRef to a Deployment not in the target',
    objects: (() => {
      const objects = clone(CASES.find((c) => c.test === 'TestWorkloadRefWithTemplate/valid workload reference with selector')!.objects);
      return objects.filter((o) => o.kind !== 'Deployment');
    })(),
    upstream: invalid('WorkloadRef not found', 'ref/rollout-workload-ref', 'spec.workloadRef', ['ref/service-selector']) },
  { file: FLAGGER_CANARY, test: 'Deployment selector without app, name or app.kubernetes.io/name',
    objects: flagger((_, d) => {
      d.spec = { ...d.spec, selector: { matchLabels: { tier: 'podinfo' } },
        template: { metadata: { labels: { tier: 'podinfo' } }, spec: (d.spec.template as Json).spec } };
    }),
    upstream: invalid('deployment podinfo.default spec.selector.matchLabels must contain one of [app name app.kubernetes.io/name]',
      'semantic/flagger-selector-label', 'spec.targetRef') },
  { file: FLAGGER_CANARY, test: 'targetPort name the containers declare', objects: flagger((c) => { c.spec.service.targetPort = 'http'; }),
    upstream: 'valid' },
  { file: FLAGGER_CANARY, test: 'targetPort name the containers do not declare', objects: flagger((c) => { c.spec.service.targetPort = 'grpc'; }),
    upstream: invalid('Service targetPort "grpc" resolves to no endpoint port', 'semantic/flagger-target-port', 'spec.service.targetPort') },
  { file: FLAGGER_SCHEDULER, test: 'maxWeight above 100: the canary weight stops at 100',
    objects: flagger((c) => { c.spec.analysis.maxWeight = 150; }),
    upstream: invalid('canaryWeight < maxWeight forever', 'semantic/flagger-weights', 'spec.analysis') },
  { file: FLAGGER_SCHEDULER, test: 'decreasing stepWeights stall',
    objects: flagger((c) => { delete c.spec.analysis.stepWeight; delete c.spec.analysis.maxWeight; c.spec.analysis.stepWeights = [20, 10]; }),
    upstream: invalid('nextStepWeight <= 0', 'semantic/flagger-weights', 'spec.analysis') },
  { file: FLAGGER_SCHEDULER, test: 'maxWeight next to stepWeights is unused',
    objects: flagger((c) => { delete c.spec.analysis.stepWeight; c.spec.analysis.stepWeights = [10, 40]; }),
    upstream: invalid('maxWeight() returns the last stepWeights value', 'semantic/flagger-weights', 'spec.analysis.maxWeight') },
  { file: FLAGGER_SCHEDULER, test: 'fractional stepWeight cannot be decoded into int',
    objects: flagger((c) => { c.spec.analysis.stepWeight = 12.5; }),
    upstream: invalid('json: cannot unmarshal number 12.5 into Go struct field CanaryAnalysis.stepWeight of type int', 'semantic/flagger-weights',
      'spec.analysis.stepWeight') },
];

test.each(MODEL_CASES.map((c) => [c.test, c] as const))('%s', (_, c) => expectUpstreamVerdict(c));
