import type { Json, UpstreamCase } from '../argo-rollouts/cases';

/**
 * Test cases of Flagger v1.44.0 (the vendored CRD's release, fluxcd/flagger@15bd6ad5), ported as whole targets in the
 * form of ../argo-rollouts/cases.ts. Upstream runs them against a fake cluster holding the podinfo Deployment and the
 * MetricTemplates "envoy" and "custom-vars" in namespace default; the ports render those objects too. Secrets the
 * upstream templates reference are left out (the project renders no Secret payloads) and no rule here reads them.
 * Cases that need the non-default -no-cross-namespace-refs flag are not ported. Upstream's Go fixtures skip the CRD
 * schema; where it requires them (analysis interval and threshold), the ports add Flagger's defaults (1m, 1).
 */
const NS = 'default';
const CONTROLLER = 'pkg/controller/controller_test.go';
const METRICS = 'pkg/controller/scheduler_metrics_test.go';
const SERVICE = 'pkg/controller/scheduler_svc_test.go';
const DEPLOYMENT = 'pkg/controller/scheduler_deployment_test.go';

const podinfo: Json = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo', namespace: NS },
  spec: {
    selector: { matchLabels: { name: 'podinfo' } },
    template: { metadata: { labels: { name: 'podinfo' } }, spec: { containers: [{ name: 'podinfo', image: 'quay.io/stefanprodan/podinfo:1.2.0',
      ports: [{ name: 'http', containerPort: 9898 }] }] } },
  },
};
const podinfoService: Json = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'podinfo', namespace: NS },
  spec: { selector: { name: 'podinfo' }, ports: [{ name: 'http', port: 9898 }] } };

function metricTemplate(name: string, query: string): Json {
  return { apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: { name, namespace: NS }, spec: { provider: { type: 'prometheus',
    address: 'http://prometheus:9090' }, query } };
}
const envoy = metricTemplate('envoy', 'sum(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}_{{ target }}"})');
const customVars = metricTemplate('custom-vars',
  'sum(envoy_cluster_upstream_rq{envoy_cluster_name=~"{{ namespace }}_{{ target }},custom_label!={{ variables.second }}"})');

const BUILTIN_METRICS = [{ name: 'request-success-rate', threshold: 99, interval: '1m' }, { name: 'request-duration', threshold: 500000,
  interval: '1m' }];

/** newDeploymentTestCanary's shape: podinfo, port 9898, threshold 10, stepWeight 10, maxWeight 50; analysis and spec changes from the case. */
function canary(analysis: Json = {}, spec: Json = {}): Json {
  return {
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'podinfo', namespace: NS },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 10, stepWeight: 10, maxWeight: 50, metrics: BUILTIN_METRICS, ...analysis },
      ...spec,
    },
  };
}
const world = (...objects: Json[]): Json[] => [...objects, podinfo, envoy, customVars];
const invalid = (error: string, rule: string, field: string, alsoRules?: readonly string[]) => ({ error, rule, field, alsoRules });
const range = { min: 0, max: 100 };
/** Service-target Canaries of scheduler_svc_test.go (newTestServiceCanary*), with the podinfo Service as target. */
const serviceCanary = (analysis: Json) => canary({ threshold: 10, metrics: BUILTIN_METRICS, stepWeight: undefined, maxWeight: undefined,
  ...analysis },
  { targetRef: { apiVersion: 'core/v1', kind: 'Service', name: 'podinfo' } });

export const FLAGGER_CASES: readonly UpstreamCase[] = [
  // controller_test.go TestController_verifyCanary (the cases that hold without -no-cross-namespace-refs)
  { file: CONTROLLER, test: 'TestController_verifyCanary/MetricTemplate in same namespace with no namespace specified should not return an error',
    upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'mt', templateRef: { name: 'mt-1', namespace: '' } }] }), metricTemplate('mt-1', 'up')) },
  { file: CONTROLLER, test: 'TestController_verifyCanary/knative provider with non-knative service should return an error',
    objects: world(canary({}, { provider: 'knative' })),
    upstream: invalid("can't use apps/v1/Deployment as target if provider is set to knative", 'semantic/flagger-knative', 'spec.targetRef') },
  { file: CONTROLLER, test: 'TestController_verifyCanary/knative service with non-knative provider should return an error',
    objects: world(canary({}, { provider: 'istio', targetRef: { kind: 'Service', apiVersion: 'serving.knative.dev/v1', name: 'podinfo' } })),
    upstream: invalid("can't use istio provider with Knative Service as target", 'semantic/flagger-knative', 'spec.provider') },
  { file: CONTROLLER, test: 'TestController_verifyCanary/knative service with autoscaler ref should return an error',
    objects: world(canary({}, { provider: 'knative', autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
      name: 'podinfo' },
      targetRef: { kind: 'Service', apiVersion: 'serving.knative.dev/v1', name: 'podinfo' } })),
    upstream: invalid("can't use autoscaler with Knative Service", 'semantic/flagger-knative', 'spec.autoscalerRef') },
  { file: CONTROLLER, test: 'TestController_verifyCanary/knative service with knative provider is okay', upstream: 'valid',
    objects: world(canary({}, { provider: 'knative', targetRef: { kind: 'Service', apiVersion: 'serving.knative.dev/v1', name: 'podinfo' } })) },
  { file: CONTROLLER, test: 'TestController_verifyCanary/session affinity with same cookie names should return an error',
    objects: world(canary({ sessionAffinity: { cookieName: 'smth', primaryCookieName: 'smth' } })),
    upstream: invalid("can't use the same cookie name for both primary and cookie name; please update them to be different",
      'semantic/flagger-session-affinity',
      'spec.analysis.sessionAffinity.primaryCookieName') },
  // scheduler_metrics_test.go TestController_checkMetricProviderAvailability and TestController_runMetricChecks
  { file: METRICS, test: 'TestController_checkMetricProviderAvailability/templateRef (error: not found)',
    objects: world(canary({ metrics: [{ name: 'custom', templateRef: { name: 'non-exist', namespace: 'default' } }] })),
    upstream: invalid('metric template non-exist.default error: metrictemplate.flagger.app "non-exist" not found', 'ref/flagger-metric-template',
      'spec.analysis.metrics[0].templateRef') },
  { file: METRICS, test: 'TestController_checkMetricProviderAvailability/templateRef (ok)', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'custom', templateRef: { name: 'envoy', namespace: 'default' } }] })) },
  { file: METRICS, test: 'TestController_checkMetricProviderAvailability/intraNamespaceTemplateRef', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'custom', templateRef: { name: 'envoy' } }] })) },
  { file: METRICS, test: 'TestController_runMetricChecks/customVariables', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'custom', templateVariables: { first: 'abc', second: 'def' }, templateRef: { name: 'custom-vars',
      namespace: 'default' }, thresholdRange: range }] })) },
  { file: METRICS, test: 'TestController_runMetricChecks/undefined metric',
    objects: world(canary({ metrics: [{ name: 'undefined metric', thresholdRange: range }] })),
    upstream: invalid('Metric query failed for no usable metrics template and query were configured', 'semantic/flagger-metric',
      'spec.analysis.metrics[0]') },
  { file: METRICS, test: 'TestController_runMetricChecks/builtinMetric', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'request-success-rate', thresholdRange: range }] })) },
  { file: METRICS, test: 'TestController_runMetricChecks/no metric Template is defined, but a query is specified', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'undefined metric', thresholdRange: range,
      query: '>- sum(logback_events_total{level="error", job="some-app"}) <= bool 0' }] })) },
  { file: METRICS, test: 'TestController_runMetricChecks/both have metric Template and query', upstream: 'valid',
    objects: world(canary({ metrics: [{ name: 'custom', templateVariables: { first: 'abc', second: 'def' }, templateRef: { name: 'custom-vars',
      namespace: 'default' },
      thresholdRange: range, query: '>- sum(logback_events_total{level="error", job="some-app"}) <= bool 0' }] })) },
  // scheduler_svc_test.go: promotions with stepWeight/maxWeight and stepWeights (each promotes: the weights are honoured)
  { file: SERVICE, test: 'TestScheduler_ServicePromotionMaxWeight', upstream: 'valid', objects: world(podinfoService,
    serviceCanary({ stepWeight: 50, maxWeight: 100 })) },
  { file: SERVICE, test: 'TestScheduler_ServicePromotionWithWeightsHappyCase', upstream: 'valid', objects: world(podinfoService,
    serviceCanary({ stepWeights: [1, 2, 10, 80] })) },
  { file: SERVICE, test: 'TestScheduler_ServicePromotionWithWeightsOverflow', upstream: 'valid', objects: world(podinfoService,
    serviceCanary({ stepWeights: [1, 2, 10, 200] })) },
  // scheduler_deployment_test.go: the podinfo Canary promotes; blue/green uses iterations
  { file: DEPLOYMENT, test: 'TestScheduler_DeploymentPromotion', upstream: 'valid',
    objects: world(canary({ metrics: [...BUILTIN_METRICS, { name: 'custom', thresholdRange: range, interval: '1m', templateRef: { name: 'envoy',
      namespace: 'default' } }] })) },
  { file: DEPLOYMENT, test: 'TestScheduler_DeploymentBlueGreenAnalysisPhases', upstream: 'valid',
    objects: world(canary({ threshold: 1, stepWeight: undefined, maxWeight: undefined, metrics: undefined, interval: '1m', iterations: 1 })) },
];
