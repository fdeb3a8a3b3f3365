import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Rollout,
  RolloutSpecStrategyCanary,
  RolloutSpecStrategyCanaryMaxSurge,
  RolloutSpecStrategyCanaryMaxUnavailable,
  RolloutSpecStrategyCanaryStepsPauseDuration,
  RolloutSpecStrategyCanarySteps,
  toJson_RolloutSpecStrategyCanary,
} from '../../imports/argo-rollouts-rollout-argoproj.io';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import type { ArgoCdIgnoreDifference, IArgoCdIgnoreDifferencesSource } from '../gitops/argo-cd-ignore-difference';
import { ProxyConfig, meshedPodAnnotations } from '../mesh/proxy-config';
import type { IServerWorkload, ServerContainerPort, ServerPodSelector } from '../mesh/server';
import { AnalysisArgContext, AnalysisArgJson } from './analysis-metric';
import { AnalysisReference, BackgroundAnalysis, CanaryStep, PodBudget } from './canary-step';
import { CanaryTrafficRouting, GATEWAY_API_PLUGIN_NAME } from './canary-traffic-routing';
import {
  durationProblem, goDuration, integerProblem, labelProblems, objectNameProblem, portNumberProblem, serviceNameProblem, throwIfProblems,
} from '../common/input-validation';

/** Properties of a {@link CanaryRollout}. */
export interface CanaryRolloutProps {
  /**
   * Name of the Rollout object.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Labels that identify the pods: the Rollout selector, the pod labels and the selector of
   * every Service.
   */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /**
   * More pod labels, not part of any selector.
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** The pod's containers (core Kubernetes container specs, rendered unchanged). */
  readonly containers: readonly k8s.Container[];
  /**
   * The container port that the Services send traffic to; it must be declared in a container's `ports`.
   * @default - the only port declared by the containers
   */
  readonly containerPort?: number;
  /**
   * Port of the Services (and of the HTTPRoute parent and backends).
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * Name of the root Service that clients call; the stable and canary Services are named
   * `<name>-stable` and `<name>-canary`.
   * @default - the Rollout name
   */
  readonly serviceName?: string;
  /**
   * Desired number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Old ReplicaSets kept for rollback.
   * @default 10 (Argo Rollouts' default)
   */
  readonly revisionHistoryLimit?: number;
  /** The canary steps, in order. */
  readonly steps: readonly CanaryStep[];
  /**
   * Pods that may exist above the desired replicas during an update.
   * @default - Argo Rollouts' default, 25%
   */
  readonly maxSurge?: PodBudget;
  /**
   * Pods that may be unavailable during an update.
   * @default - Argo Rollouts' default, 25%
   */
  readonly maxUnavailable?: PodBudget;
  /**
   * How traffic is split between stable and canary pods.
   * @default CanaryTrafficRouting.gatewayApiPlugin()
   */
  readonly trafficRouting?: CanaryTrafficRouting;
  /**
   * Whether Linkerd injects its proxy into the pods (`linkerd.io/inject: enabled` on the pod template).
   * @default true
   */
  readonly meshInjection?: boolean;
  /**
   * Linkerd proxy settings for the pods (`config.linkerd.io/*` annotations), when meshed.
   * @default - the control plane's defaults
   */
  readonly proxy?: ProxyConfig;
  /**
   * An analysis that runs alongside the steps and aborts the rollout when it fails.
   * @default - none
   */
  readonly backgroundAnalysis?: BackgroundAnalysis;
}

/**
 * An Argo Rollouts canary: the Rollout, the root Service that clients call, and — with the
 * Gateway API plugin — the stable and canary Services and the HTTPRoute whose weights the
 * plugin moves. Everything is derived from one set of props, so names, ports and selectors agree.
 */
export class CanaryRollout extends Construct implements IArgoCdIgnoreDifferencesSource, IServerWorkload {
  /** Name of the Rollout. */
  public readonly name: string;
  /** Namespace of every object (that of the chart). */
  public readonly namespace: string;
  /** Labels selecting the pods, shared by the Rollout and all Services. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The port of the Services. */
  public readonly servicePort: number;
  /** The Rollout object. */
  public readonly rollout: ApiObject;
  /**
   * The selector labels: a Linkerd `Server` on this construct selects the stable and the canary
   * pods alike (Argo Rollouts adds only `rollouts-pod-template-hash` to tell them apart).
   */
  public readonly podSelector: ServerPodSelector;
  /** The ports declared by the containers, for a Linkerd `Server` on this construct. */
  public readonly declaredContainerPorts: readonly ServerContainerPort[];
  /** The Rollout, whose `spec.template` is the pod template. */
  public readonly podTemplateObject: ApiObject;
  /** The Service that clients call. */
  public readonly rootService: k8s.KubeService;
  /** The Service Argo Rollouts points at the stable pods (Gateway API plugin only). */
  public readonly stableService?: k8s.KubeService;
  /** The Service Argo Rollouts points at the canary pods (Gateway API plugin only). */
  public readonly canaryService?: k8s.KubeService;
  /** The HTTPRoute whose backend weights the plugin sets (Gateway API plugin only). */
  public readonly httpRoute?: HttpRoute;
  /**
   * The Argo CD `ignoreDifferences` entries for what the rollout controller changes in the
   * cluster: the weights of the HTTPRoute's two backends, and nothing else of the route.
   * Empty when there is no HTTPRoute. lib/gitops's `RenderedBranchApplications` gives them to
   * the Application of this construct's chart.
   */
  public readonly argoCdIgnoreDifferences: readonly ArgoCdIgnoreDifference[];

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = Chart.of(this).namespace ?? '';
    this.selectorLabels = props.selectorLabels;
    this.podSelector = { matchLabels: { ...props.selectorLabels } };
    this.declaredContainerPorts = props.containers.flatMap((c) =>
      (c.ports ?? []).map((p) => ({ container: c.name, name: p.name, number: p.containerPort })));
    if (props.proxy !== undefined && props.meshInjection === false) {
      throw new Error(`[${this.node.path}] proxy settings were given but meshInjection is false; `
        + 'allowed: proxy settings only for meshed pods (leave meshInjection unset or true), or no proxy settings');
    }
    const routing = props.trafficRouting ?? CanaryTrafficRouting.gatewayApiPlugin();
    const usesPlugin = routing.kind === 'gatewayApiPlugin';
    const rootName = props.serviceName ?? this.name;
    const stableName = `${rootName}-stable`;
    const canaryName = `${rootName}-canary`;
    const routeName = routing.routeName ?? rootName;
    const declaredPorts = props.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    const containerPort = props.containerPort ?? (declaredPorts.length === 1 ? declaredPorts[0] : undefined);
    this.servicePort = props.servicePort ?? containerPort ?? 0;
    const podLabels = { ...props.podLabels, ...props.selectorLabels };
    const argContext: AnalysisArgContext = { namespace: this.namespace, rootServiceName: rootName };

    throwIfProblems(this.node.path, [
      objectNameProblem('name', this.name),
      this.namespace === '' ? 'the chart has no namespace; allowed: a chart with a namespace (Rollouts are namespaced)' : undefined,
      Object.keys(props.selectorLabels).length === 0 ? 'selectorLabels are empty; allowed: at least one label' : undefined,
      ...labelProblems('selector label', props.selectorLabels),
      ...labelProblems('pod label', props.podLabels ?? {}),
      ...Object.keys(props.podLabels ?? {}).filter((k) => k in props.selectorLabels)
        .map((k) => `pod label "${k}" is also a selector label; allowed: pod labels that are not selector labels`),
      serviceNameProblem('root Service name', rootName),
      ...(usesPlugin ? [
        serviceNameProblem('stable Service name', stableName),
        serviceNameProblem('canary Service name', canaryName),
        objectNameProblem('HTTPRoute name', routeName),
      ] : []),
      props.containers.length === 0 ? 'containers are empty; allowed: at least one container' : undefined,
      containerPort === undefined
        ? `the container port is ambiguous: the containers declare ports [${declaredPorts.join(', ')}]; `
          + 'allowed: exactly one declared port, or containerPort naming one of them'
        : declaredPorts.includes(containerPort) ? undefined
          : `containerPort ${containerPort} is not declared by any container; allowed: one of [${declaredPorts.join(', ')}]`,
      props.servicePort === undefined && containerPort === undefined ? undefined
        : portNumberProblem('servicePort', this.servicePort),
      props.replicas === undefined ? undefined : integerProblem('replicas', props.replicas, 0),
      props.revisionHistoryLimit === undefined ? undefined : integerProblem('revisionHistoryLimit', props.revisionHistoryLimit, 0),
      ...budgetProblems(props.maxSurge, props.maxUnavailable),
      ...stepProblems(props.steps),
      ...props.steps.flatMap((step, i) => step.action.analysis === undefined ? []
        : analysisProblems(`step ${i} analysis`, step.action.analysis, this.namespace, true)),
      ...(props.backgroundAnalysis === undefined ? [] : [
        ...analysisProblems('backgroundAnalysis', props.backgroundAnalysis, this.namespace, false),
        props.backgroundAnalysis.startingStep === undefined ? undefined
          : integerProblem('backgroundAnalysis startingStep', props.backgroundAnalysis.startingStep, 0, props.steps.length - 1),
      ]),
    ]);

    const port = this.servicePort;
    const service = (serviceId: string, name: string) => new k8s.KubeService(this, serviceId, {
      metadata: { name, labels: { ...props.selectorLabels } },
      spec: {
        selector: { ...props.selectorLabels },
        ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(containerPort!), protocol: 'TCP' }],
      },
    });
    this.rootService = service('RootService', rootName);
    if (usesPlugin) {
      this.stableService = service('StableService', stableName);
      this.canaryService = service('CanaryService', canaryName);
      // Explicit group, kind and weight: the API server would default them (""/Service/1),
      // and the defaults inside a list make Argo CD report drift on every sync.
      const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port, weight });
      this.httpRoute = new HttpRoute(this, 'HttpRoute', {
        metadata: { name: routeName },
        spec: {
          // GAMMA: a Service parent (core group, written "") makes this a mesh route that
          // Linkerd applies to traffic addressed to the root Service.
          parentRefs: [{ group: '', kind: 'Service', name: rootName, port }],
          rules: [{
            matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
            backendRefs: [backend(stableName, 100), backend(canaryName, 0)],
          }],
        },
      });
    }
    this.argoCdIgnoreDifferences = usesPlugin ? [{
      group: 'gateway.networking.k8s.io',
      kind: 'HTTPRoute',
      name: routeName,
      namespace: this.namespace,
      // Backend 0 is the stable Service and backend 1 the canary Service, as rendered above.
      jsonPointers: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
    }] : [];

    const strategy: RolloutSpecStrategyCanary = {
      ...(usesPlugin ? {
        stableService: stableName,
        canaryService: canaryName,
        trafficRouting: { plugins: { [GATEWAY_API_PLUGIN_NAME]: { httpRoute: routeName, namespace: this.namespace } } },
      } : {}),
      maxSurge: props.maxSurge === undefined ? undefined : props.maxSurge.isPercent
        ? RolloutSpecStrategyCanaryMaxSurge.fromString(props.maxSurge.text)
        : RolloutSpecStrategyCanaryMaxSurge.fromNumber(props.maxSurge.amount),
      maxUnavailable: props.maxUnavailable === undefined ? undefined : props.maxUnavailable.isPercent
        ? RolloutSpecStrategyCanaryMaxUnavailable.fromString(props.maxUnavailable.text)
        : RolloutSpecStrategyCanaryMaxUnavailable.fromNumber(props.maxUnavailable.amount),
      analysis: props.backgroundAnalysis === undefined ? undefined : {
        templates: [{ templateName: props.backgroundAnalysis.template.name }],
        args: analysisArgs(props.backgroundAnalysis, argContext),
        startingStep: props.backgroundAnalysis.startingStep,
      },
      steps: props.steps.map((step) => renderStep(step, argContext)),
    };

    this.rollout = new ApiObject(this, 'Resource', {
      ...Rollout.GVK,
      metadata: { name: this.name },
      spec: {
        replicas: props.replicas ?? 1,
        revisionHistoryLimit: props.revisionHistoryLimit ?? 10,
        selector: { matchLabels: { ...props.selectorLabels } },
        strategy: { canary: toJson_RolloutSpecStrategyCanary(strategy) },
        template: {
          metadata: {
            labels: podLabels,
            annotations: (props.meshInjection ?? true) ? meshedPodAnnotations(this, props.proxy) : undefined,
          },
          // Core container specs, converted by the core converter so that int-or-string fields survive.
          spec: k8s.toJson_PodSpec({ containers: [...props.containers] }),
        },
      },
    });
    this.podTemplateObject = this.rollout;
  }
}

function budgetProblems(maxSurge: PodBudget | undefined, maxUnavailable: PodBudget | undefined): (string | undefined)[] {
  const problem = (what: string, budget: PodBudget | undefined) => budget === undefined ? undefined
    : integerProblem(budget.isPercent ? `${what} percent` : what, budget.amount, 0, budget.isPercent ? 100 : undefined);
  return [
    problem('maxSurge', maxSurge),
    problem('maxUnavailable', maxUnavailable),
    maxSurge?.amount === 0 && maxUnavailable?.amount === 0
      ? 'maxSurge and maxUnavailable are both 0; allowed: at least one of them above 0 (else the rollout cannot make progress)'
      : undefined,
  ];
}

function stepProblems(steps: readonly CanaryStep[]): (string | undefined)[] {
  if (steps.length === 0) return ['steps are empty; allowed: at least one step'];
  // A lower weight than the step before is what Argo Rollouts applies (traffic goes back), so it is allowed.
  return steps.map(({ action }, i) => {
    if (action.setWeight !== undefined) {
      const range = integerProblem(`step ${i} setWeight`, action.setWeight, 0, 100);
      if (range !== undefined) return range;
    }
    if (action.pause instanceof Object) return durationProblem(`step ${i} pause duration`, action.pause);
    return undefined;
  });
}

function analysisProblems(what: string, reference: AnalysisReference, namespace: string, mustFinish: boolean): string[] {
  const template = reference.template;
  const known = template.argumentNames;
  return [
    template.namespace === namespace ? undefined
      : `${what}: template ${template.namespace}/${template.name} is in another namespace; allowed: a template in ${namespace}`,
    ...Object.keys(reference.args ?? {}).filter((name) => !known.includes(name))
      .map((name) => `${what}: argument "${name}" is not used by template ${template.name}; allowed: ${known.join(', ')}`),
    !mustFinish || template.finishes ? undefined
      : `${what}: template ${template.name} has metrics without a count, so the step would never finish; `
        + 'allowed: a template whose every metric has a count',
  ].filter((p): p is string => p !== undefined);
}

function analysisArgs(reference: AnalysisReference, context: AnalysisArgContext): AnalysisArgJson[] {
  return reference.template.argumentNames.map((name) =>
    (reference.args?.[name] ?? reference.template.defaultArgumentValue(name)!).toArg(name, context));
}

function renderStep({ action }: CanaryStep, context: AnalysisArgContext): RolloutSpecStrategyCanarySteps {
  if (action.setWeight !== undefined) return { setWeight: action.setWeight };
  if (action.pause === 'untilPromoted') return { pause: {} };
  if (action.pause !== undefined) {
    return { pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(goDuration(action.pause)) } };
  }
  const reference = action.analysis!;
  return { analysis: { templates: [{ templateName: reference.template.name }], args: analysisArgs(reference, context) } };
}
