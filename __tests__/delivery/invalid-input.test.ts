import { Chart, Duration, Testing } from 'cdk8s';
import { Deployment, DeploymentProps, LabelSelector } from 'cdk8s-plus-28';
import {
  AnalysisArgValue, AnalysisMetric, CanaryRollout, CanaryRolloutProps, CanaryStep, CanaryTrafficRouting, FlaggerCanary,
  FlaggerCanaryProps, PluginLocation, PodBudget, PrometheusAnalysisTemplate, PrometheusAnalysisTemplateProps,
  RolloutsGatewayApiPlugin, RolloutsGatewayApiPluginProps,
} from '../../lib/delivery';

const chart = (namespace = 'apps') => new Chart(Testing.app(), 'c', { namespace });
const successRate = AnalysisMetric.linkerdSuccessRate({ minimum: 0.99 });

const rollout = (overrides: Partial<CanaryRolloutProps>, scope = chart()) => new CanaryRollout(scope, 'web', {
  selectorLabels: { app: 'web' },
  containers: [{ name: 'web', image: 'web:1', ports: [{ number: 8080 }] }],
  steps: [CanaryStep.setWeight(50), CanaryStep.pause(Duration.seconds(10))],
  ...overrides,
});
const withTemplate = (build: (scope: Chart, template: PrometheusAnalysisTemplate) => Partial<CanaryRolloutProps>,
  templateNamespace = 'apps') => () => {
  const scope = chart();
  const template = new PrometheusAnalysisTemplate(chart(templateNamespace), 'rate', { metrics: [successRate] });
  return rollout(build(scope, template), scope);
};
const template = (props: Partial<PrometheusAnalysisTemplateProps>) => () =>
  new PrometheusAnalysisTemplate(chart(), 'check', { metrics: [successRate], ...props });
const plugin = (props: RolloutsGatewayApiPluginProps) => () => new RolloutsGatewayApiPlugin(new Chart(Testing.app(), 'p'), 'plugin', props);
const flagger = (overrides: Partial<FlaggerCanaryProps>, deploymentNamespace = 'apps', deploymentProps: Partial<DeploymentProps> = {}) => () => {
  const scope = chart();
  const deployment = new Deployment(deploymentNamespace === 'apps' ? scope : chart(deploymentNamespace), 'podinfo', {
    metadata: { name: 'podinfo' },
    select: false,
    podMetadata: { labels: { app: 'podinfo' } },
    containers: [{ name: 'p', image: 'p', ports: [{ number: 9898 }] }],
    ...deploymentProps,
  });
  deployment.select(LabelSelector.of({ labels: { app: 'podinfo' } }));
  return new FlaggerCanary(scope, 'canary', {
    deployment, interval: Duration.seconds(10), threshold: 5, stepWeight: 10, maxWeight: 100,
    minSuccessRatePercent: 99, maxRequestDuration: Duration.millis(500), ...overrides,
  });
};

test.each<[string, () => unknown, RegExp]>([
  // CanaryRollout: steps
  ['setWeight below 0', () => rollout({ steps: [CanaryStep.setWeight(-1)] }),
    /\[c\/web\] step 0 setWeight -1 is invalid; allowed: integers 0\.\.100/],
  ['setWeight above 100', () => rollout({ steps: [CanaryStep.setWeight(101)] }),
    /\[c\/web\] step 0 setWeight 101 is invalid; allowed: integers 0\.\.100/],
  ['fractional setWeight', () => rollout({ steps: [CanaryStep.setWeight(12.5)] }),
    /\[c\/web\] step 0 setWeight 12\.5 is invalid; allowed: integers 0\.\.100/],
  ['zero pause', () => rollout({ steps: [CanaryStep.pause(Duration.seconds(0))] }),
    /\[c\/web\] step 0 pause duration 0ms is invalid; allowed: a whole number of seconds, at least 1s/],
  ['sub-second pause', () => rollout({ steps: [CanaryStep.pause(Duration.millis(1500))] }),
    /\[c\/web\] step 0 pause duration 1500ms is invalid; allowed: a whole number of seconds/],
  ['no steps', () => rollout({ steps: [] }), /\[c\/web\] steps are empty; allowed: at least one step/],
  // CanaryRollout: surge and replicas
  ['negative maxSurge', () => rollout({ maxSurge: PodBudget.count(-1) }), /\[c\/web\] maxSurge -1 is invalid; allowed: integers >= 0/],
  ['maxUnavailable above 100%', () => rollout({ maxUnavailable: PodBudget.percent(150) }),
    /\[c\/web\] maxUnavailable percent 150 is invalid; allowed: integers 0\.\.100/],
  ['maxSurge and maxUnavailable both 0', () => rollout({ maxSurge: PodBudget.count(0), maxUnavailable: PodBudget.percent(0) }),
    /\[c\/web\] maxSurge and maxUnavailable are both 0; allowed: at least one of them above 0/],
  ['negative replicas', () => rollout({ replicas: -2 }), /\[c\/web\] replicas -2 is invalid; allowed: integers >= 0/],
  ['fractional revisionHistoryLimit', () => rollout({ revisionHistoryLimit: 1.5 }),
    /\[c\/web\] revisionHistoryLimit 1\.5 is invalid; allowed: integers >= 0/],
  // CanaryRollout: names, labels, ports
  ['no selector labels', () => rollout({ selectorLabels: {} }), /\[c\/web\] selectorLabels are empty; allowed: at least one label/],
  ['bad selector label value', () => rollout({ selectorLabels: { app: 'web app' } }),
    /\[c\/web\] selector label value "web app" of "app" is invalid; allowed: empty, or at most 63 alphanumerics/],
  ['pod label overriding the selector', () => rollout({ podLabels: { app: 'other' } }),
    /\[c\/web\] pod label "app" is also a selector label; allowed: pod labels that are not selector labels/],
  ['uppercase Rollout name', () => rollout({ metadata: { name: 'Web' } }), /\[c\/web\] metadata.name "Web" is invalid; allowed: a DNS-1123 subdomain/],
  ['stable Service name too long', () => rollout({ serviceName: 'a'.repeat(60) }),
    /\[c\/web\] stable Service name "a{60}-stable" is invalid; allowed: a DNS-1035 label .*at most 63 characters/],
  ['invalid route name', () => rollout({ trafficRouting: CanaryTrafficRouting.gatewayApiPlugin({ routeName: 'Route_1' }) }),
    /\[c\/web\] HTTPRoute name "Route_1" is invalid; allowed: a DNS-1123 subdomain/],
  ['undeclared target port', () => rollout({ targetPort: 9090 }),
    /\[c\/web\] targetPort 9090 is invalid: no container declares it; allowed: one of \[8080\]/],
  ['ambiguous target port', () => rollout({ containers: [{ name: 'a', image: 'a', ports: [{ number: 1 }, { number: 2 }] }] }),
    /\[c\/web\] the target port is ambiguous: the containers declare ports \[1, 2\]; allowed: exactly one declared port, or targetPort/],
  ['target port ambiguous between portNumber and ports',
    () => rollout({ containers: [{ name: 'a', image: 'a', portNumber: 1, ports: [{ number: 2 }] }] }),
    /\[c\/web\] the target port is ambiguous: the containers declare ports \[1, 2\]/],
  ['service port out of range', () => rollout({ servicePort: 70000 }), /\[c\/web\] servicePort 70000 is invalid; allowed: integers 1\.\.65535/],
  ['no containers', () => rollout({ containers: [], targetPort: 80 }), /\[c\/web\] containers are empty; allowed: at least one container/],
  ['chart without namespace', () => rollout({}, new Chart(Testing.app(), 'c')),
    /\[c\/web\] the chart has no namespace; allowed: a chart with a namespace/],
  // CanaryRollout: analysis
  ['template in another namespace', withTemplate((_, t) => ({ backgroundAnalysis: { template: t } }), 'other'),
    /\[c\/web\] backgroundAnalysis: template other\/rate is in another namespace; allowed: a template in apps/],
  ['unknown analysis argument', withTemplate((_, t) => ({ backgroundAnalysis: { template: t, args: { service: AnalysisArgValue.literal('web') } } })),
    /\[c\/web\] backgroundAnalysis: argument "service" is not used by template rate; allowed: canary-hash, namespace/],
  ['analysis step that never finishes', withTemplate((_, t) => ({ steps: [CanaryStep.setWeight(10), CanaryStep.analysis({ template: t })] })),
    /\[c\/web\] step 1 analysis: template rate has metrics without a count, so the step would never finish/],
  ['startingStep past the last step', withTemplate((_, t) => ({ backgroundAnalysis: { template: t, startingStep: 2 } })),
    /\[c\/web\] backgroundAnalysis startingStep 2 is invalid; allowed: integers 0\.\.1/],
  // PrometheusAnalysisTemplate
  ['success rate above 1', template({ metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 99 })] }),
    /\[c\/check\] metric "success-rate": threshold 99 is invalid; allowed: a success rate from 0 to 1/],
  ['percentile of 1', template({ metrics: [AnalysisMetric.linkerdLatency({ percentile: 1, maximum: Duration.millis(500) })] }),
    /\[c\/check\] metric "latency-p100": percentile 1 is invalid; allowed: a fraction strictly between 0 and 1/],
  ['sub-millisecond latency', template({ metrics: [AnalysisMetric.linkerdLatency({ percentile: 0.99, maximum: Duration.millis(0.5) })] }),
    /\[c\/check\] metric "latency-p99": threshold 0\.5 is invalid; allowed: a latency of whole milliseconds >= 1/],
  ['duplicate metric names', template({ metrics: [successRate, AnalysisMetric.istioSuccessRate({ minimum: 0.9 })] }),
    /\[c\/check\] metric name "success-rate" is used twice; allowed: unique metric names/],
  ['no metrics', template({ metrics: [] }), /\[c\/check\] metrics are empty; allowed: at least one metric/],
  ['non-http Prometheus address', template({ prometheusAddress: 'prometheus:9090' }),
    /\[c\/check\] prometheusAddress "prometheus:9090" is invalid; allowed: an http:\/\/ or https:\/\/ URL/],
  ['count of 0', template({ metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.9, count: 0 })] }),
    /\[c\/check\] metric "success-rate": count 0 is invalid; allowed: integers >= 1/],
  ['failureLimit not below count', template({ metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.9, count: 3, failureLimit: 3 })] }),
    /\[c\/check\] metric "success-rate": failureLimit 3 is invalid with count 3; allowed: less than count/],
  ['sub-second interval', template({ metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.9, interval: Duration.millis(500) })] }),
    /\[c\/check\] metric "success-rate": interval 500ms is invalid; allowed: a whole number of seconds/],
  ['invalid metric name', template({ metrics: [AnalysisMetric.linkerdSuccessRate({ minimum: 0.9, name: 'Success Rate' })] }),
    /\[c\/check\] metric "Success Rate": name is invalid; allowed: lowercase letters, digits and "-"/],
  // RolloutsGatewayApiPlugin
  ['plain http plugin location', plugin({ location: PluginLocation.https('http://example.com/plugin') }),
    /\[p\/plugin\] plugin location "http:\/\/example\.com\/plugin" is invalid; allowed: an https:\/\/ URL of the plugin binary/],
  ['relative plugin file', plugin({ location: PluginLocation.file('plugins/gatewayapi') }),
    /\[p\/plugin\] plugin file path "plugins\/gatewayapi" is invalid; allowed: an absolute path of a file/],
  ['malformed sha256', plugin({ sha256: 'abc' }), /\[p\/plugin\] sha256 "abc" is invalid; allowed: 64 lowercase hexadecimal digits/],
  ['invalid controller namespace', plugin({ controllerNamespace: 'Argo_Rollouts' }),
    /\[p\/plugin\] controllerNamespace "Argo_Rollouts" is invalid; allowed: a DNS-1123 label/],
  // FlaggerCanary
  ['stepWeight 0', flagger({ stepWeight: 0 }), /\[c\/canary\] stepWeight 0 is invalid; allowed: integers 1\.\.100/],
  ['maxWeight below stepWeight', flagger({ stepWeight: 20, maxWeight: 10 }), /\[c\/canary\] maxWeight 10 is invalid; allowed: integers 20\.\.100/],
  ['success rate above 100%', flagger({ minSuccessRatePercent: 120 }),
    /\[c\/canary\] minSuccessRatePercent 120 is invalid; allowed: a percentage from 0 to 100/],
  ['threshold 0', flagger({ threshold: 0 }), /\[c\/canary\] threshold 0 is invalid; allowed: integers >= 1/],
  ['sub-second interval', flagger({ interval: Duration.millis(1500) }),
    /\[c\/canary\] interval 1500ms is invalid; allowed: a whole number of seconds, at least 1s/],
  ['Deployment in another namespace', flagger({}, 'other'),
    /\[c\/canary\] deployment podinfo is in namespace "other"; allowed: the Canary's namespace "apps"/],
  ['service port 0', flagger({ servicePort: 0 }), /\[c\/canary\] servicePort 0 is invalid; allowed: integers 1\.\.65535/],
  ['Deployment with replicas', flagger({}, 'apps', { replicas: 3 }), new RegExp('\\[c/canary\\] deployment podinfo replicas 3 is invalid: '
    + 'Flagger owns the replica count of its target \\(it scales it to zero between releases\\).*; allowed: replicas unset')],
  ['two container ports and no servicePort',
    flagger({}, 'apps', { containers: [{ name: 'p', image: 'p', ports: [{ number: 9898 }, { number: 9797 }] }] }),
    /\[c\/canary\] the service port is ambiguous: the Deployment declares ports \[9898, 9797\]; allowed: exactly one declared port, or servicePort/],
])('%s is rejected', (_, build, error) => {
  expect(build).toThrow(error);
});
