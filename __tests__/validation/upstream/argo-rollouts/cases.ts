/**
 * Test cases of Argo Rollouts v1.9.1 (the vendored CRDs' release, argoproj/argo-rollouts@b6bd3bcf), ported as whole
 * targets. Each case names its upstream file and test (function/subtest) and states upstream's verdict: `valid`
 * (upstream asserts no error), or the upstream error detail it asserts, with the rule and field this engine reports
 * for it. Upstream builds partial Go structs; the ports add what a real object needs (selector, pod template, the
 * referenced Services, Ingresses and templates) and nothing that changes the verdict; upstream's ALB rootService
 * "action_name" is spelled "action-name", since a Service cannot have that name.
 */
export type Json = Record<string, unknown>;

export interface UpstreamCase {
  /** Upstream file, relative to the repository root. */
  readonly file: string;
  /** Upstream test function and subtest, as `go test -run` names them. */
  readonly test: string;
  readonly objects: readonly Json[];
  /** 'valid', or what upstream reports. */
  readonly upstream: 'valid' | { readonly error: string; readonly rule: string; readonly field: string; readonly alsoRules?: readonly string[] };
}

const NS = 'default';
const VALIDATION = 'pkg/apis/rollouts/validation/validation_test.go';
const REFERENCES = 'pkg/apis/rollouts/validation/validation_references_test.go';
const FACTORY = 'utils/analysis/factory_test.go';

export function service(name: string, selector: Record<string, string> = { app: 'ro' }, annotations?: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) }, spec: { selector,
    ports: [{ port: 80 }] } };
}

function rolloutWith(strategy: Json, spec: Json = {}): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'ro', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'ro' } },
      template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'image-name', image: 'foo' }] } },
      strategy,
      ...spec,
    },
  };
}

function ingress(name: string, serviceName: string): Json {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: NS },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { number: 80 } } } }] } }] },
  };
}

/**
 * A canary Rollout plus what the controller reads before it validates (upstream's unit tests leave them out): the
 * Services it names, and the Ingresses of its ALB or Nginx router, routing to the rootService or stableService.
 * `services` replaces the generated Services; an Ingress given in `extra` replaces the generated one.
 */
function canary(strategy: Json, spec: Json = {}, extra: readonly Json[] = [], services?: readonly Json[]): Json[] {
  const names = ['stableService', 'canaryService'].map((f) => strategy[f]).filter((n): n is string => typeof n === 'string' && n !== '');
  const pingPong = strategy.pingPong as { pingService?: string; pongService?: string } | undefined;
  for (const name of [pingPong?.pingService, pingPong?.pongService]) if (name) names.push(name);
  const routing = (strategy.trafficRouting ?? {}) as { alb?: Json; nginx?: Json };
  const ingresses: Json[] = [];
  const router = routing.alb ?? routing.nginx;
  const backend = (routing.alb?.rootService as string | undefined) || (strategy.stableService as string | undefined);
  if (router && backend) {
    const ingressNames = routing.alb ? [routing.alb.ingress, ...((routing.alb.ingresses ?? []) as string[])] : [routing.nginx!.stableIngress];
    const given = new Set(extra.filter((o) => o.kind === 'Ingress').map((o) => (o.metadata as Json).name));
    for (const name of new Set(ingressNames)) if (typeof name === 'string' && name !== '' && !given.has(name)) ingresses.push(ingress(name, backend));
    names.push(backend);
  }
  const generated = [...new Set(names)].map((n) => service(n));
  return [rolloutWith({ canary: strategy }, spec), ...(services ?? generated), ...ingresses, ...extra];
}

const ALB = { alb: { rootService: 'root-service', servicePort: 80, ingress: 'alb-ingress' } };
/** TestValidateRolloutStrategyCanary's canaryStrategy, with step 0 given by the case. */
const baseCanary = (step: Json, changes: Json = {}): Json => ({ canaryService: 'canary', stableService: 'stable', trafficRouting: ALB,
  steps: [step], ...changes });
const ALB_INGRESS = { alb: { ingress: 'alb-ingress', servicePort: 80 } };
const ISTIO_VS = { istio: { virtualService: { name: 'virtual-service' } } };
const DESTINATION_RULE = { name: 'destination-rule', canarySubsetName: 'canary', stableSubsetName: 'stable' };
const PLUGIN = { plugins: { 'some-plugin': { key: 'value' } } };
const invalid = (error: string, rule: string, field: string, alsoRules?: readonly string[]) => ({ error, rule, field, alsoRules });

const MISSING_SERVICES = 'Canary service and Stable service must to be set to use Traffic Routing';
const missingServiceNames: Array<[string, Json]> = [
  ['ALB', ALB],
  ['Istio', { istio: {} }],
  ['SMI', { smi: {} }],
  ['Apisix', { apisix: {} }],
  ['Ambassador', { ambassador: { mappings: ['stable-mapping'] } }],
  ['Nginx', { nginx: {} }],
  ['AppMesh', { appMesh: {} }],
  ['Traefik', { traefik: { weightedTraefikServiceName: 'traefik' } }],
  ['Traefik and Istio Subset Routing', { traefik: { weightedTraefikServiceName: 'traefik' }, istio: { destinationRule: DESTINATION_RULE } }],
  ['AppMesh and external plugin(doesnt require service names)', { appMesh: {}, ...PLUGIN }],
  ['Apisix, Istio Subset Routing and external plugin(doesnt require service names)', { apisix: {}, istio: { destinationRule: DESTINATION_RULE },
    ...PLUGIN }],
];

const MAX_SURGE = 'MaxSurge and MaxUnavailable both can not be zero';
const surgeCombos: Array<[number | string, number | string]> = [[0, 0], ['0', 0], ['0%', 0], [0, '0'], [0, '0%'], ['0', '0'], ['0%', '0%']];

const headerRoute = (headerValue: Json, name?: string): Json => ({ setHeaderRoute: { ...(name ? { name } : {}), match: [{ headerName: 'agent',
  headerValue }] } });
const mirrorRoute = (match: Json[]): Json => ({ setMirrorRoute: { name: 'test-mirror-1', match } });
const experimentStep = { experiment: { templates: [{ name: 'template', specRef: 'canary', weight: 20 }] } };
const EXPERIMENT_ROUTER = 'Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time';

/** getAnalysisTemplatesWithType: an AnalysisTemplate and a ClusterAnalysisTemplate, each with one counted metric. */
function analysisTemplate(kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate', name: string, metric: Json, args?: Json[]): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: kind === 'AnalysisTemplate' ? { name, namespace: NS } : { name },
    spec: {
      ...(args ? { args } : {}),
      metrics: [{ interval: '1m', count: 1, provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } }, ...metric }],
    },
  };
}
const inlineAnalysis = (templates: Json[], args?: Json[]): Json => ({
  analysis: { templates: [{ templateName: 'analysis-template-name' }, { templateName: 'cluster-analysis-template-name', clusterScope: true }],
    ...(args ? { args } : {}) },
  _templates: templates,
});
function withAnalysis(step: Json, strategy: Json = {}): Json[] {
  const { _templates, ...analysisStep } = step as { _templates: Json[] };
  return canary({ stableService: 'stable-service-name', canaryService: 'canary-service-name', trafficRouting: ALB, steps: [analysisStep],
    ...strategy }, {}, _templates);
}
const atName = (args?: Json[], metric: Json = {}) => analysisTemplate('AnalysisTemplate', 'analysis-template-name', { name: 'metric1-name',
  ...metric }, args);
const catName = (metric: Json = {}) => analysisTemplate('ClusterAnalysisTemplate', 'cluster-analysis-template-name', { name: 'metric2-name',
  ...metric });

/** Validates one AnalysisTemplate the way the analysis controller runs it (ValidateMetrics on the resolved metrics). */
const metricTemplate = (metrics: Json[]): Json[] => [{
  apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'success-rate', namespace: NS }, spec: { metrics },
}];
const PROMETHEUS = { prometheus: { address: 'http://prometheus:9090', query: 'up' } };
const metric = (fields: Json): Json => ({ name: 'success-rate', provider: PROMETHEUS, ...fields });

export const CASES: readonly UpstreamCase[] = [
  // validation_test.go: TestValidateRollout
  { file: VALIDATION, test: 'TestValidateRollout/missing selector', objects: [{ ...rolloutWith({ canary: {} }),
    spec: { ...(rolloutWith({ canary: {} }).spec as Json), selector: undefined } }],
    upstream: invalid("Rollout has missing field '.spec.selector'", 'core/selector-required', 'spec.selector') },
  { file: VALIDATION, test: 'TestValidateRollout/empty selector', objects: [rolloutWith({ canary: {} }, { selector: {} })],
    upstream: invalid('empty selector is invalid for deployment', 'core/selector-required', 'spec.selector') },
  { file: VALIDATION, test: 'TestValidateRollout/invalid progressDeadlineSeconds', objects: [rolloutWith({ canary: {} }, { minReadySeconds: 601 })],
    upstream: invalid('must be greater than minReadySeconds', 'semantic/rollout-spec', 'spec.progressDeadlineSeconds') },
  { file: VALIDATION, test: 'TestValidateRollout/successful run', objects: [rolloutWith({ blueGreen: { activeService: 'active',
    previewService: 'preview' } }), service('active'), service('preview')],
    upstream: 'valid' },
  { file: VALIDATION, test: 'TestValidateRollout/privileged container', upstream: 'valid', objects: [rolloutWith({ canary: {} }, {
    template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'image-name', image: 'foo',
      securityContext: { privileged: true } }] } } })] },
  // TestValidateRolloutStrategy
  { file: VALIDATION, test: 'TestValidateRolloutStrategy (no strategy)', objects: [rolloutWith({})],
    upstream: invalid("Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'", 'semantic/rollout-strategy',
      'spec.strategy') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategy (both strategies)', objects: [rolloutWith({ canary: {},
    blueGreen: { activeService: 'a' } }), service('a')],
    upstream: invalid('Multiple Strategies can not be listed', 'semantic/rollout-strategy', 'spec.strategy') },
  // TestValidateRolloutStrategyBlueGreen
  { file: VALIDATION, test: 'TestValidateRolloutStrategyBlueGreen',
    objects: [rolloutWith({ blueGreen: { activeService: 'service-name', previewService: 'service-name', scaleDownDelayRevisionLimit: 11,
      autoPromotionSeconds: 30 } }), service('service-name')],
    upstream: invalid('This rollout uses the same service for the active and preview services, but two different services are required.',
      'semantic/rollout-services',
      'spec.strategy.blueGreen.activeService', ['semantic/rollout-spec']) },
  // TestValidateRolloutStrategyCanaryMissingServiceNames
  ...missingServiceNames.map(([name, trafficRouting]): UpstreamCase => ({
    file: VALIDATION, test: `TestValidateRolloutStrategyCanaryMissingServiceNames/${name}`, objects: canary({ trafficRouting,
      steps: [{ setWeight: 10 }] }),
    upstream: invalid(MISSING_SERVICES, 'semantic/rollout-traffic-routing', 'spec.strategy.canary.stableService'),
  })),
  // TestValidateRolloutStrategyCanary
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/valid rollout', objects: canary(baseCanary({ setWeight: 10 })), upstream: 'valid' },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/valid plugin missing canary and stable service',
    objects: canary(baseCanary({ setWeight: 10 }, { canaryService: '', stableService: '', trafficRouting: PLUGIN })), upstream: 'valid' },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/valid Istio missing canary and stable service',
    objects: canary(baseCanary({ setWeight: 10 }, { canaryService: '', stableService: '',
      trafficRouting: { istio: { destinationRule: DESTINATION_RULE, virtualService: { name: 'vsvc' } } } })), upstream: 'valid' },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/valid Istio with ping pong', upstream: 'valid',
    objects: canary(baseCanary({ setWeight: 10 }, { canaryService: '', stableService: '', pingPong: { pingService: 'ping', pongService: 'pong' },
      trafficRouting: { istio: { destinationRule: DESTINATION_RULE, virtualService: { name: 'vsvc' } } } })) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/valid PingPong missing canary and stable service', upstream: 'valid',
    objects: canary(baseCanary({ setWeight: 10 }, { canaryService: '', stableService: '', pingPong: { pingService: 'ping',
      pongService: 'pong' } })) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid two plugins missing canary and stable service',
    objects: canary(baseCanary({ setWeight: 10 }, { canaryService: '', stableService: '', trafficRouting: { istio: {}, ...PLUGIN } })),
    upstream: invalid(MISSING_SERVICES, 'semantic/rollout-traffic-routing', 'spec.strategy.canary.stableService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/duplicate services', objects: canary(baseCanary({ setWeight: 10 },
    { canaryService: 'stable' })),
    upstream: invalid('This rollout uses the same service for the stable and canary services, but two different services are required.',
      'semantic/rollout-services',
      'spec.strategy.canary.stableService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/duplicate ping pong services',
    objects: canary(baseCanary({ setWeight: 10 }, { pingPong: { pingService: 'ping', pongService: 'ping' } })),
    upstream: invalid('This rollout uses the same service for the ping and pong services, but two different services are required.',
      'semantic/rollout-ping-pong',
      'spec.strategy.canary.pingPong.pingService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/ping services using only',
    objects: canary(baseCanary({ setWeight: 10 }, { pingPong: { pingService: 'ping', pongService: '' } })),
    upstream: invalid('Ping service and Pong service must to be set to use Ping-Pong feature', 'semantic/rollout-ping-pong',
      'spec.strategy.canary.pingPong.pongService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/missed ALB root service for the ping-pong feature',
    objects: canary(baseCanary({ setWeight: 10 }, { pingPong: { pingService: 'ping', pongService: 'pong' },
      trafficRouting: { alb: { rootService: '', servicePort: 80, ingress: 'alb-ingress' } } })),
    upstream: invalid('Root service field is required for the configuration with ALB and ping-pong feature enabled', 'semantic/rollout-ping-pong',
      'spec.strategy.canary.trafficRouting.alb.rootService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/ping-pong feature without the ALB traffic routing',
    objects: canary(baseCanary({ setWeight: 10 }, { pingPong: { pingService: 'ping', pongService: 'pong' },
      trafficRouting: { nginx: { stableIngress: 'stable-ingress' } } })),
    upstream: invalid('Ping-pong feature works with the ALB and Istio traffic routers only', 'semantic/rollout-ping-pong',
      'spec.strategy.canary.trafficRouting.alb') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid traffic routing', objects: canary(baseCanary({ setWeight: 10 },
    { canaryService: '' })),
    upstream: invalid(MISSING_SERVICES, 'semantic/rollout-traffic-routing', 'spec.strategy.canary.canaryService') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid setCanaryScale without trafficRouting',
    objects: canary(baseCanary({ setCanaryScale: {} }, { trafficRouting: undefined })),
    upstream: invalid('SetCanaryScale requires TrafficRouting to be set', 'semantic/rollout-canary-scale',
      'spec.strategy.canary.steps[0].setCanaryScale') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid canary step', objects: canary(baseCanary({})),
    upstream: invalid('Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause', 'semantic/rollout-step',
      'spec.strategy.canary.steps[0]') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid set weight value', objects: canary(baseCanary({ setWeight: 101 })),
    upstream: invalid('SetWeight needs to be between 0 and 100', 'semantic/rollout-weight', 'spec.strategy.canary.steps[0].setWeight') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/only nginx/plugins support max weight value (ALB)',
    objects: canary(baseCanary({ setWeight: 1 }, { trafficRouting: { ...ALB, maxTrafficWeight: 1 } })),
    upstream: invalid('Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins', 'semantic/rollout-traffic-routing',
      'spec.strategy.canary.trafficRouting.maxTrafficWeight') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/only nginx/plugins support max weight value (Nginx)', upstream: 'valid',
    objects: canary(baseCanary({ setWeight: 1 }, { trafficRouting: { nginx: { stableIngress: 'stable-ingress' }, maxTrafficWeight: 1 } })) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/only nginx/plugins support max weight value (plugins)', upstream: 'valid',
    objects: canary(baseCanary({ setWeight: 1 }, { trafficRouting: { plugins: { anyplugin: { key: 'value' } }, maxTrafficWeight: 1 } })) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid duration set in paused step',
    objects: canary(baseCanary({ pause: { duration: -1 } })),
    upstream: invalid('Duration needs to be greater than 0', 'semantic/rollout-pause', 'spec.strategy.canary.steps[0].pause.duration') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid metadata references in analysis step',
    objects: canary(baseCanary({ analysis: { args: [
      { name: "metadata.labels['app']", valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }, { name: 'value-key',
        value: 'hardcoded-value' }] } })),
    upstream: invalid('Analyses arguments must refer to valid object metadata supported by downwardAPI', 'semantic/rollout-analysis-arg',
      'spec.strategy.canary.steps[0].analysis.args[0].valueFrom.fieldRef.fieldPath') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanary/invalid metadata references in experiment step',
    objects: canary(baseCanary({ experiment: { templates: [{ name: 't', specRef: 'canary' }], analyses: [{ name: 'a', templateName: 'x', args: [
      { name: "metadata.labels['app']", valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }] }] } })),
    upstream: invalid('Analyses arguments must refer to valid object metadata supported by downwardAPI', 'semantic/rollout-analysis-arg',
      'spec.strategy.canary.steps[0].experiment.analyses[0].args[0].valueFrom.fieldRef.fieldPath') },
  // TestValidateRolloutStrategyAntiAffinity
  { file: VALIDATION, test: 'TestValidateRolloutStrategyAntiAffinity (no strategy)', objects: canary(baseCanary({ setWeight: 10 },
    { antiAffinity: {} })),
    upstream: invalid('AntiAffinity must have exactly one strategy listed', 'semantic/rollout-anti-affinity', 'spec.strategy.canary.antiAffinity') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyAntiAffinity (weight 101)',
    objects: canary(baseCanary({ setWeight: 10 }, { antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 101 } } })),
    upstream: invalid('AntiAffinity weight must be between 1-100', 'semantic/rollout-anti-affinity', 'spec.strategy.canary.antiAffinity.weight') },
  // SetHeaderRoute
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRoute/using SetHeaderRoute step without the traffic routing',
    objects: canary({ canaryService: 'canary', stableService: 'stable', steps: [headerRoute({ exact: 'chrome' })] }),
    upstream: invalid('SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix', 'semantic/rollout-header-route',
      'spec.strategy.canary.steps[0].setHeaderRoute') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRoutePlugins/using SetHeaderRoute step with plugins', upstream: 'valid',
    objects: canary({ canaryService: 'canary', stableService: 'stable', steps: [headerRoute({ exact: 'chrome' }, 'test')],
      trafficRouting: { managedRoutes: [{ name: 'test' }], plugins: { anyplugin: { key: 'value' } } } }) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRouteIstio/using SetHeaderRoute step with multiple values',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: ISTIO_VS, steps: [headerRoute({ exact: 'chrome',
      regex: 'chrome(.*)' })] }),
    upstream: invalid('StringMatch match value must have exactly one of the following: exact, regex, prefix', 'semantic/rollout-header-route',
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0]', ['semantic/rollout-managed-routes']) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRouteIstio/using SetHeaderRoute step with missed values',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: ISTIO_VS, steps: [headerRoute({})] }),
    upstream: invalid('StringMatch value missed, match value must have one of the following: exact, regex, prefix', 'semantic/rollout-header-route',
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0]', ['semantic/rollout-managed-routes']) },
  { file: VALIDATION,
    test: 'TestValidateRolloutStrategyCanarySetHeaderRouteIstio/using SetHeaderRoute step without managedRoutes defined but missing route',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: { ...ISTIO_VS, managedRoutes: [{ name: 'not-in-steps' }] },
      steps: [headerRoute({ exact: 'exact' })] }),
    upstream: invalid('Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes',
      'semantic/rollout-managed-routes',
      'spec.strategy.canary.steps[0].setHeaderRoute.name') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRoutingALB/using SetHeaderRouting step with multiple values',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: { alb: { rootService: 'action-name', servicePort: 80,
      ingress: 'alb-ingress' } },
      steps: [headerRoute({ exact: 'chrome', regex: 'chrome(.*)' })] }),
    upstream: invalid("SetHeaderRoute match value invalid. ALB supports 'exact' value only", 'semantic/rollout-header-route',
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0]', ['semantic/rollout-managed-routes']) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetHeaderRoutingALB/using SetHeaderRouting step with invalid ALB match value',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: { alb: { rootService: 'action-name', servicePort: 80,
      ingress: 'alb-ingress' } },
      steps: [headerRoute({ prefix: 'chrome' })] }),
    upstream: invalid("SetHeaderRoute match value invalid. ALB supports 'exact' value only", 'semantic/rollout-header-route',
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0]', ['semantic/rollout-managed-routes']) },
  // SetMirrorRoute
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetMirrorRouteIstio/using SetMirrorRoute step without the traffic routing',
    objects: canary({ canaryService: 'canary', stableService: 'stable', steps: [{ setMirrorRoute: { name: 'test-mirror-1' } }] }),
    upstream: invalid('SetMirrorRoute requires TrafficRouting, supports Istio only', 'semantic/rollout-mirror-route',
      'spec.strategy.canary.steps[0].setMirrorRoute') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetMirrorRouteIstio/using SetMirrorRoute step with multiple values',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: ISTIO_VS, steps: [mirrorRoute([{ method: { exact: 'test',
      prefix: 'test' } }])] }),
    upstream: invalid('StringMatch match value must have exactly one of the following: exact, regex, prefix', 'semantic/rollout-mirror-route',
      'spec.strategy.canary.steps[0].setMirrorRoute.match[0]', ['semantic/rollout-managed-routes']) },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetMirrorRouteIstio/using SetMirrorRoute step without managedRoutes not defined',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: ISTIO_VS,
      steps: [mirrorRoute([{ method: { exact: 'exact' } }])] }),
    upstream: invalid("Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'", 'semantic/rollout-managed-routes',
      'spec.strategy.canary.trafficRouting.managedRoutes') },
  { file: VALIDATION, test: 'TestValidateRolloutStrategyCanarySetMirrorRouteIstio/using SetMirrorRoute step with managedRoutes defined',
    upstream: 'valid',
    objects: canary({ canaryService: 'canary', stableService: 'stable', trafficRouting: { ...ISTIO_VS, managedRoutes: [{ name: 'test-mirror-1' }] },
      steps: [mirrorRoute([{ method: { exact: 'GET' }, path: { prefix: '/' } }])] }) },
  // TestInvalidMaxSurgeMaxUnavailable
  ...surgeCombos.map(([maxSurge, maxUnavailable]): UpstreamCase => ({
    file: VALIDATION, test: `TestInvalidMaxSurgeMaxUnavailable (${JSON.stringify(maxSurge)}, ${JSON.stringify(maxUnavailable)})`,
    objects: canary({ maxSurge, maxUnavailable }), upstream: invalid(MAX_SURGE, 'semantic/rollout-max-surge', 'spec.strategy.canary.maxSurge'),
  })),
  // TestHasMultipleStepsType
  { file: VALIDATION, test: 'TestHasMultipleStepsType (setWeight)', objects: canary({ steps: [{ setWeight: 1 }] }), upstream: 'valid' },
  { file: VALIDATION, test: 'TestHasMultipleStepsType (setWeight and pause)', objects: canary({ steps: [{ setWeight: 1, pause: { duration: 1 } }] }),
    upstream: invalid('Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause', 'semantic/rollout-step',
      'spec.strategy.canary.steps[0]') },
  // TestCanaryScaleDownDelaySeconds, TestCanaryDynamicStableScale
  { file: VALIDATION, test: 'TestCanaryScaleDownDelaySeconds/scaleDownDelaySeconds with basic canary',
    objects: canary({ stableService: 'stable', canaryService: 'canary', scaleDownDelaySeconds: 60 }),
    upstream: invalid('Canary scaleDownDelaySeconds can only be used with traffic routing', 'semantic/rollout-scale-down',
      'spec.strategy.canary.scaleDownDelaySeconds') },
  { file: VALIDATION, test: 'TestCanaryScaleDownDelaySeconds/scaleDownDelaySeconds with traffic weight canary', upstream: 'valid',
    objects: canary({ stableService: 'stable', canaryService: 'canary', scaleDownDelaySeconds: 60, trafficRouting: { smi: {} } }) },
  { file: VALIDATION, test: 'TestCanaryDynamicStableScale/dynamicStableScale with basic canary',
    objects: canary({ stableService: 'stable', canaryService: 'canary', dynamicStableScale: true }),
    upstream: invalid('Canary dynamicStableScale can only be used with traffic routing', 'semantic/rollout-scale-down',
      'spec.strategy.canary.dynamicStableScale') },
  { file: VALIDATION, test: 'TestCanaryDynamicStableScale/dynamicStableScale with scaleDownDelaySeconds',
    objects: canary({ stableService: 'stable', canaryService: 'canary', dynamicStableScale: true, scaleDownDelaySeconds: 60,
      trafficRouting: { smi: {} } }),
    upstream: invalid('Canary dynamicStableScale cannot be used with scaleDownDelaySeconds', 'semantic/rollout-scale-down',
      'spec.strategy.canary.dynamicStableScale') },
  // TestWorkloadRefWithTemplate
  ...(['workload reference with template', 'valid workload reference with selector',
  'valid workload reference without selector'] as const).map((name): UpstreamCase => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'my-deployment', namespace: NS }, spec: {
      replicas: 0, selector: { matchLabels: { app: 'ro' } }, template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'c',
        image: 'foo' }] } } } };
    const [ro, ...services] = canary({ stableService: 'stable', canaryService: 'canary' }, { workloadRef: { name: 'my-deployment',
      kind: 'Deployment', apiVersion: 'apps/v1' } });
    const spec = ro.spec as Json;
    const template = name === 'workload reference with template' ? { metadata: { labels: { app: 'ro' } } } : undefined;
    const selector = name === 'valid workload reference without selector' ? undefined : spec.selector;
    return {
      file: VALIDATION, test: `TestWorkloadRefWithTemplate/${name}`, objects: [{ ...ro, spec: { ...spec, template, selector } }, ...services,
        deployment],
      upstream: name === 'workload reference with template'
        ? invalid('template must be empty for workload reference rollout', 'semantic/rollout-workload-ref', 'spec.template') : 'valid',
    };
  }),
  // TestCanaryExperimentStepWithWeight
  ...([
    ['invalid - no TrafficRouting set', undefined, 'Experiment template weight cannot be set unless TrafficRouting is enabled'],
    ['invalid - empty TrafficRouting', {}, EXPERIMENT_ROUTER],
    ['unsupported - Nginx TrafficRouting', { nginx: { stableIngress: 'nginx-ingress' } }, EXPERIMENT_ROUTER],
    ['unsupported - Ambassador TrafficRouting', { ambassador: { mappings: ['stable-mapping'] } }, EXPERIMENT_ROUTER],
    ['unsupported - Istio TrafficRouting', { istio: { virtualService: { name: 'virtualSvc' } } }, undefined],
    ['success - SMI TrafficRouting', { smi: {} }, undefined],
    ['success - ALB TrafficRouting', { alb: { servicePort: 80, ingress: 'alb-ingress' } }, undefined],
    ['unsupported - AppMesh TrafficRouting', { appMesh: {} }, EXPERIMENT_ROUTER],
    ['success - Plugins', { plugins: { 'any/plugin': {} } }, undefined],
  ] as Array<[string, Json | undefined, string | undefined]>).map(([name, trafficRouting, error]): UpstreamCase => ({
    file: VALIDATION, test: `TestCanaryExperimentStepWithWeight/${name}`,
    objects: canary({ canaryService: 'canary', stableService: 'stable', steps: [experimentStep], ...(trafficRouting ? { trafficRouting } : {}) }),
    upstream: error === undefined ? 'valid' : invalid(error, 'semantic/rollout-experiment',
      'spec.strategy.canary.steps[0].experiment.templates[0].weight'),
  })),

  // validation_references_test.go: TestValidateService (the Rollout's pods are labelled app=ro)
  { file: REFERENCES, test: 'TestValidateService/validate service - success', upstream: 'valid',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS }) },
  { file: REFERENCES, test: 'TestValidateService/validate service - failure',
    objects: canary({ stableService: 'canary', canaryService: 'canary2', trafficRouting: ALB_INGRESS }, {}, [],
      [service('canary'), service('canary2', { app: 'ro' }, { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'not-rollout-name' })]),
    upstream: invalid('Service "stable-service-name" is managed by another Rollout', 'ref/rollout-service-owner',
      'spec.strategy.canary.canaryService') },
  { file: REFERENCES, test: 'TestValidateService/validate service with unmatch label - failure',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS }, {}, [],
      [service('stable-service-name', { app: 'unmatch-rollout-label' }), service('canary')]),
    upstream: invalid('Service "stable-service-name" has unmatch label "app" in rollout', 'ref/rollout-service-selector',
      'spec.strategy.canary.stableService', ['ref/service-selector']) },
  { file: REFERENCES, test: 'TestValidateService/validate service with Rollout label - success', upstream: 'valid',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS }, {}, [],
      [service('stable-service-name', { 'rollouts-pod-template-hash': '123-456' }), service('canary')]) },
  // TestValidateRolloutNginxIngressesConfig, TestValidateRolloutAlbIngressesConfig, TestValidateRolloutVirtualServicesConfig
  ...(['No ingress configured', 'Both ingresses configured', 'Just StableIngress configured', 'Just StableIngresses configured'] as const)
    .flatMap((name, i): UpstreamCase[] => {
      const single = i === 1 || i === 2 ? 'stable-ingress' : undefined;
      const list = i === 1 || i === 3 ? ['stable-ingress', 'additional-stable-ingress'] : undefined;
      const albName = name.replace('StableIngresses', 'Ingresses').replace('StableIngress', 'Ingress');
      const verdict = (router: string, fields: string) => (i < 2
        ? invalid(`Either ${fields} must be configured. ${i === 0 ? 'Neither' : 'Both'} are configured.`, 'semantic/rollout-traffic-routing',
          `spec.strategy.canary.trafficRouting.${router}`) : 'valid' as const);
      return [
        { file: REFERENCES, test: `TestValidateRolloutNginxIngressesConfig/${name}`, upstream: verdict('nginx', 'StableIngress or StableIngresses'),
          objects: canary({ stableService: 'stable', canaryService: 'canary', trafficRouting: { nginx: { stableIngress: single,
            stableIngresses: list } } }, {},
            list ? list.map((n) => ingress(n, 'stable')) : []) },
        { file: REFERENCES, test: `TestValidateRolloutAlbIngressesConfig/${albName}`, upstream: verdict('alb', 'Ingress or Ingresses'),
          objects: canary({ stableService: 'stable', canaryService: 'canary', trafficRouting: { alb: { servicePort: 80, ingress: single,
            ingresses: list } } }) },
      ];
    }),
  { file: REFERENCES, test: 'TestValidateRolloutVirtualServicesConfig/validate No virtualService configured - fail',
    objects: canary({ stableService: 'stable', canaryService: 'canary', trafficRouting: { istio: {} } }),
    upstream: invalid('either VirtualService or VirtualServices must be configured', 'semantic/rollout-traffic-routing',
      'spec.strategy.canary.trafficRouting.istio') },
  { file: REFERENCES, test: 'TestValidateRolloutVirtualServicesConfig/validate both virtualService configured - fail',
    objects: canary({ stableService: 'stable', canaryService: 'canary',
      trafficRouting: { istio: { virtualService: { name: 'istio-vsvc1-name' }, virtualServices: [{ name: 'istio-vsvc1-name' }] } } }),
    upstream: invalid('either VirtualService or VirtualServices must be configured', 'semantic/rollout-traffic-routing',
      'spec.strategy.canary.trafficRouting.istio') },
  { file: REFERENCES, test: 'TestValidateRolloutVirtualServicesConfig/validate either virtualService or  virtualServices configured - pass',
    upstream: 'valid',
    objects: canary({ stableService: 'stable', canaryService: 'canary',
      trafficRouting: { istio: { virtualService: { name: 'istio-vsvc1-name' } } } }) },
  // TestValidateRolloutReferencedResourcesNginxIngress (getRolloutSingleIngress / getRolloutMultiIngress; "wrong" routes to wrong-stable-service)
  ...([
    ['Validate single Nginx Ingress -- success', false, [true], []],
    ['Validate single Nginx Ingress -- failure', false, [false], ['stableIngress']],
    ['Validate multiple Nginx Ingresses successfully', true, [true, true, true], []],
    ['Validate multiple Nginx Ingresses -- primary fails', true, [false, true, true], ['stableIngresses[0]']],
    ['Validate multiple Nginx Ingresses -- additional ingress fails', true, [true, false, true], ['stableIngresses[1]']],
    ['Validate multiple Nginx Ingresses -- all ingresses fail fails', true, [false, false, false], ['stableIngresses[0]', 'stableIngresses[1]',
      'stableIngresses[2]']],
  ] as Array<[string, boolean, boolean[], string[]]>).map(([name, multiple, right, failing]): UpstreamCase => {
    const names = ['stable-ingress', 'additional-stable-ingress-1', 'additional-stable-ingress-2'].slice(0, right.length);
    const nginx = multiple ? { stableIngresses: names } : { stableIngress: names[0] };
    return {
      file: REFERENCES, test: `TestValidateRolloutReferencedResourcesNginxIngress/${name}`,
      objects: canary({ stableService: 'stable-service', canaryService: 'canary-service-name', trafficRouting: { nginx } }, {},
        [service('wrong-stable-service'), ...names.map((n, i) => ingress(n, right[i] ? 'stable-service' : 'wrong-stable-service'))],
        [service('stable-service'), service('canary-service-name')]),
      upstream: failing.length === 0 ? 'valid'
        : invalid('ingress `stable-ingress` has no rules using service stable-service backend', 'ref/rollout-ingress',
          `spec.strategy.canary.trafficRouting.nginx.${failing[0]}`),
    };
  }),
  // TestValidateAnalysisTemplatesWithType (getAlbRollout with an inline analysis of both templates)
  { file: REFERENCES, test: 'TestValidateAnalysisTemplatesWithType/failure - invalid argument',
    objects: withAnalysis(inlineAnalysis([atName([{ name: 'invalid' }]), catName()])),
    upstream: invalid('args.invalid was not resolved', 'ref/rollout-analysis-arg', 'spec.strategy.canary.steps[0].analysis.args') },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplatesWithType/success', upstream: 'valid',
    objects: withAnalysis(inlineAnalysis([atName([{ name: 'valid' }]), catName()], [{ name: 'valid', value: 'true' }])) },
  // TestValidateAnalysisTemplateWithType
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate analysisTemplate - success', upstream: 'valid',
    objects: withAnalysis(inlineAnalysis([atName(), catName()])) },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate inline clusterAnalysisTemplate - failure',
    objects: withAnalysis(inlineAnalysis([atName(), catName({ count: 0 })])),
    upstream: invalid('AnalysisTemplate cluster-analysis-template-name has metric metric2-name which runs indefinitely. Invalid value for count: 0',
      'ref/rollout-analysis',
      'spec.strategy.canary.steps[0].analysis.templates[1].templateName') },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate inline analysisTemplate argument - success', upstream: 'valid',
    objects: withAnalysis(inlineAnalysis([atName([{ name: 'service-name', value: 'service-name' }]), catName()])) },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate background analysisTemplate - failure',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS,
      analysis: { templates: [{ templateName: 'analysis-template-name' }],
        args: [{ name: 'a-different-service-name' }] } }, {}, [atName([{ name: 'service-name' }])]),
    upstream: invalid('service-name', 'ref/rollout-analysis-arg', 'spec.strategy.canary.analysis.args') },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate background analysisTemplate - success (rollout supplies the argument)',
    upstream: 'valid',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS,
      analysis: { templates: [{ templateName: 'analysis-template-name' }],
        args: [{ name: 'service-name' }] } }, {}, [atName([{ name: 'service-name', value: 'service-name' }])]) },
  { file: REFERENCES, test: 'TestValidateAnalysisTemplateWithType/validate background analysisTemplate - success (metric runs indefinitely)',
    upstream: 'valid',
    objects: canary({ stableService: 'stable-service-name', canaryService: 'canary', trafficRouting: ALB_INGRESS,
      analysis: { templates: [{ templateName: 'analysis-template-name' }] } }, {}, [atName(undefined, { count: 0 })]) },

  // utils/analysis/factory_test.go: TestValidateMetrics (what the analysis controller does with a template's metrics)
  { file: FACTORY, test: 'TestValidateMetrics/Ensure count >= failureLimit + consecutiveSuccessLimit', objects: metricTemplate([metric({ count: 1,
    failureLimit: 2 })]),
    upstream: invalid('metrics[0]: count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0', 'semantic/analysis-metric',
      'spec.metrics[0].count') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure count >= failureLimit + consecutiveSuccessLimit (count 0)', upstream: 'valid',
    objects: metricTemplate([metric({ count: 0, failureLimit: 2 })]) },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure count must be >= inconclusiveLimit', objects: metricTemplate([metric({ count: 1,
    inconclusiveLimit: 2 })]),
    upstream: invalid('metrics[0]: count must be >= inconclusiveLimit', 'semantic/analysis-metric', 'spec.metrics[0].count') },
  { file: FACTORY, test: 'TestValidateMetrics/Validate metric', upstream: 'valid', objects: metricTemplate([metric({ count: 2, interval: '60s',
    failureLimit: 2 })]) },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure valid internal string', objects: metricTemplate([metric({ count: 2, interval: '60s-typo',
    failureLimit: 2 })]),
    upstream: invalid('metrics[0]: invalid interval string: time: unknown unit "s-typo" in duration "60s-typo"', 'semantic/analysis-metric',
      'spec.metrics[0].interval',
      ['schema/format']) },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure valid initialDelay string',
    objects: metricTemplate([metric({ count: 2, interval: '60s', initialDelay: '60s-typo', failureLimit: 2 })]),
    upstream: invalid('metrics[0]: invalid startDelay string: time: unknown unit "s-typo" in duration "60s-typo"', 'semantic/analysis-metric',
      'spec.metrics[0].initialDelay',
      ['schema/format']) },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure metric provider listed', objects: metricTemplate([]),
    upstream: invalid('no metrics specified', 'semantic/analysis-metrics', 'spec.metrics') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure interval set when count > 1', objects: metricTemplate([metric({ count: 2 })]),
    upstream: invalid('metrics[0]: interval must be specified when count > 1', 'semantic/analysis-metric', 'spec.metrics[0].interval') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure no duplicate metric names', objects: metricTemplate([metric({}), metric({})]),
    upstream: invalid("metrics[1]: duplicate name 'success-rate'", 'semantic/analysis-metric', 'spec.metrics[1].name') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure failureLimit >= -1', objects: metricTemplate([metric({ failureLimit: -2 })]),
    upstream: invalid('metrics[0]: failureLimit must be >= 0, or -1 to be disabled', 'semantic/analysis-metric', 'spec.metrics[0].failureLimit') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure inconclusiveLimit >= 0', objects: metricTemplate([metric({ inconclusiveLimit: -1 })]),
    upstream: invalid('metrics[0]: inconclusiveLimit must be >= 0', 'semantic/analysis-metric', 'spec.metrics[0].inconclusiveLimit') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure consecutiveErrorLimit >= 0', objects: metricTemplate([metric({ consecutiveErrorLimit: -1 })]),
    upstream: invalid('metrics[0]: consecutiveErrorLimit must be >= 0', 'semantic/analysis-metric', 'spec.metrics[0].consecutiveErrorLimit') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure metric has provider', objects: metricTemplate([metric({ count: 1, provider: {} })]),
    upstream: invalid('metrics[0]: no provider specified', 'semantic/analysis-metric', 'spec.metrics[0].provider') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure metric does not have more than 1 provider',
    objects: metricTemplate([metric({ count: 1, provider: { ...PROMETHEUS, web: { url: 'http://example.com' }, datadog: { query: 'q' } } })]),
    upstream: invalid('metrics[0]: multiple providers specified', 'semantic/analysis-metric', 'spec.metrics[0].provider') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure consecutiveSuccessLimit >= 0',
    objects: metricTemplate([metric({ consecutiveSuccessLimit: -1 })]),
    upstream: invalid('metrics[0]: consecutiveSuccessLimit must be >= 0', 'semantic/analysis-metric', 'spec.metrics[0].consecutiveSuccessLimit') },
  { file: FACTORY, test: 'TestValidateMetrics/Ensure consecutiveSuccessLimit and failureLimit are not both disabled',
    objects: metricTemplate([metric({ consecutiveSuccessLimit: 0, failureLimit: -1 })]),
    upstream: invalid('metrics[0]: failureLimit and consecutiveSuccessLimit cannot both be disabled', 'semantic/analysis-metric',
      'spec.metrics[0].failureLimit') },
  // utils/analysis/factory_test.go TestResolveMetricArgs: declared arguments are substituted into the metric
  { file: FACTORY, test: 'TestResolveMetricArgs', upstream: 'valid', objects: [{ ...metricTemplate([])[0], spec: {
    args: [{ name: 'metric-name', value: 'success-rate' }, { name: 'metric-name2', value: 'success-rate2' }],
    metrics: [metric({ name: 'metric-name', successCondition: 'result > {{args.metric-name}}' }), metric({ name: 'metric-name2',
      successCondition: 'result < {{args.metric-name2}}' })],
  } }] },
  // utils/template/template_test.go TestMissingArgs: a tag no argument supplies fails to resolve
  { file: 'utils/template/template_test.go', test: 'TestMissingArgs',
    objects: metricTemplate([metric({ provider: { prometheus: { address: 'http://prometheus:9090', query: 'test-{{args.var}}' } } })]),
    upstream: invalid('failed to resolve {{args.var}}', 'semantic/analysis-args', 'spec.metrics[0]') },
];
