import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Chart, Duration, Lazy } from 'cdk8s';
import { Container, ContainerProps, IServiceAccount, LabelSelectorRequirement, PodSecurityContextProps, Protocol, Volume } from 'cdk8s-plus-28';
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
import {
  PropProblems, durationProblem, goDuration, integerProblem, invalidValueProblem, labelProblems, objectNameProblem, portNumberProblem,
  serviceNameProblem,
} from '../common';
import type { ArgoCdIgnoreDifference, IArgoCdIgnoreDifferencesSource } from '../contracts';
import {
  GrpcRoute, HttpBackend, HttpRoute, HttpRouteApi, MeshedService, ProxyConfig, RouteParent, headerNameProblem, meshedPodAnnotations,
} from '../mesh';
import type { IServerWorkload } from '../mesh';
import { re2Error } from '../validation';
import { AnalysisArgContext, AnalysisArgJson } from './analysis-metric';
import { CanaryRoute } from './canary-route';
import { AnalysisReference, BackgroundAnalysis, CanaryHeaderMatch, CanaryStep, PodBudget } from './canary-step';
import { CanaryTrafficRouting, GATEWAY_API_PLUGIN_IN_PROGRESS_LABEL, GATEWAY_API_PLUGIN_NAME } from './canary-traffic-routing';
import { RolloutPodTemplate } from './rollout-pod-template';

/** Properties of a {@link CanaryRollout}. */
export interface CanaryRolloutProps {
  /**
   * Metadata of the Rollout object: its `name` (a DNS-1123 subdomain), labels and annotations, as cdk8s-plus constructs take it.
   * @default - name the construct id
   */
  readonly metadata?: ApiObjectMetadata;
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
  /**
   * The pod's containers, as cdk8s-plus builds them, with its defaults exactly as a `MeshedDeployment` gets them:
   * a restrictive security context (`ensureNonRoot`, read-only root filesystem, no privilege escalation), default
   * resources, and probes from `readiness`/`liveness`/`startup` (which a `Server` on this rollout authorizes).
   */
  readonly containers: ContainerProps[];
  /**
   * Init containers, as cdk8s-plus builds them.
   * @default - none
   */
  readonly initContainers?: ContainerProps[];
  /**
   * Volumes of the pod (those the containers mount are added by themselves).
   * @default - none
   */
  readonly volumes?: Volume[];
  /**
   * The ServiceAccount the pods run as: their mesh identity, so grants to it (`grantAccess`) admit the canary's
   * stable and canary pods alike.
   * @default - the namespace's `default` ServiceAccount
   */
  readonly serviceAccount?: IServiceAccount;
  /**
   * Whether the ServiceAccount token is mounted into the pods.
   * @default false (cdk8s-plus' default)
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Security context of the pod.
   * @default - cdk8s-plus' default (`ensureNonRoot: true`, `fsGroupChangePolicy: Always`)
   */
  readonly securityContext?: PodSecurityContextProps;
  /**
   * Grace period of pod termination.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * The port of the pods that the Services send traffic to, named as cdk8s-plus names it (`ServicePort.targetPort`); it
   * must be a port a container declares (`ports: [{ number }]` or `portNumber`).
   * @default - the only port declared by the containers
   */
  readonly targetPort?: number;
  /**
   * Port of the Services (and of the route parents and backends).
   * @default - the target port
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
 * An Argo Rollouts canary as a workload: the Rollout (its pod template built by cdk8s-plus, like a
 * `MeshedDeployment`'s), the root Service that clients call, and — with the Gateway API plugin — the
 * stable and canary Services and the routes whose weights the plugin moves. Everything is derived
 * from one set of props, so names, ports and selectors agree. The Services are cdk8s-plus Services
 * (`MeshedService`), so every construct that takes a Service (`IMeshService`) takes them; the routes
 * are lib/mesh `HttpRoute`s and `GrpcRoute`s, so retries, timeouts and policy attach per route.
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
   * The pod template as cdk8s-plus models it (`addContainer`, `addVolume`, `containers`, `podMetadata`):
   * what is added here is rendered into the Rollout.
   */
  public readonly podTemplate: RolloutPodTemplate;
  /** The Service that clients call. */
  public readonly rootService: MeshedService;
  /** The Service Argo Rollouts points at the stable pods (Gateway API plugin only). */
  public readonly stableService?: MeshedService;
  /** The Service Argo Rollouts points at the canary pods (Gateway API plugin only). */
  public readonly canaryService?: MeshedService;
  /** The HTTPRoutes whose backend weights the plugin sets (Gateway API plugin only), in the order given. */
  public readonly httpRoutes: readonly HttpRoute[];
  /** The GRPCRoutes whose backend weights the plugin sets (Gateway API plugin only), in the order given. */
  public readonly grpcRoutes: readonly GrpcRoute[];
  /**
   * The Argo CD `ignoreDifferences` entries for what the rollout controller changes in the
   * cluster: the weights of each managed route's two backends, and — while the plugin's in-progress
   * label is on a route, as the plugin documents — the route's rules (its header rules). Empty
   * without routes. lib/gitops's `RenderedBranchApplications` gives them to the Application of
   * this construct's chart.
   */
  public readonly argoCdIgnoreDifferences: readonly ArgoCdIgnoreDifference[];

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    this.name = props.metadata?.name ?? id;
    this.namespace = Chart.of(this).namespace ?? '';
    this.selectorLabels = props.selectorLabels;
    const routing = props.trafficRouting ?? CanaryTrafficRouting.gatewayApiPlugin();
    const usesPlugin = routing.kind === 'gatewayApiPlugin';
    const rootName = props.serviceName ?? this.name;
    const stableName = `${rootName}-stable`;
    const canaryName = `${rootName}-canary`;
    const routes = usesPlugin ? routing.routes ?? [CanaryRoute.http({ name: routing.routeName ?? rootName, headerRouting: true })] : [];
    // The ports as cdk8s-plus declares them (`portNumber` as well as `ports`), read from the Containers it builds.
    const declaredPorts = props.containers.flatMap((c) => new Container(c).ports.map((p) => p.number));
    const targetPort = props.targetPort ?? (declaredPorts.length === 1 ? declaredPorts[0] : undefined);
    this.servicePort = props.servicePort ?? targetPort ?? 0;
    const podLabels = { ...props.podLabels, ...props.selectorLabels };
    const argContext: AnalysisArgContext = { namespace: this.namespace, rootServiceName: rootName };
    const headerRouteNames = [...new Set(props.steps.flatMap((s) => s.action.setHeaderRoute === undefined ? [] : [s.action.setHeaderRoute.name]))];

    const problems = new PropProblems(this);
    const annotations = (props.meshInjection ?? true) ? meshedPodAnnotations(problems, props.proxy) : undefined;
    problems.add(
      props.proxy !== undefined && props.meshInjection === false
        ? invalidValueProblem('meshInjection', false, 'true or unset when proxy settings are given (they apply to meshed pods only)')
        : undefined,
      objectNameProblem('metadata.name', this.name),
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
        ...routeProblems(routing, routes),
      ] : []),
      props.containers.length === 0 ? 'containers are empty; allowed: at least one container' : undefined,
      targetPort === undefined
        ? `the target port is ambiguous: the containers declare ports [${declaredPorts.join(', ')}]; `
          + 'allowed: exactly one declared port, or targetPort naming one of them'
        : declaredPorts.includes(targetPort) ? undefined
          : `targetPort ${targetPort} is invalid: no container declares it; allowed: one of [${declaredPorts.join(', ')}]`,
      props.servicePort === undefined && targetPort === undefined ? undefined
        : portNumberProblem('servicePort', this.servicePort),
      props.replicas === undefined ? undefined : integerProblem('replicas', props.replicas, 0),
      props.revisionHistoryLimit === undefined ? undefined : integerProblem('revisionHistoryLimit', props.revisionHistoryLimit, 0),
      ...budgetProblems(props.maxSurge, props.maxUnavailable),
      ...stepProblems(props.steps),
      ...headerRouteProblems(props.steps, usesPlugin, routes),
      ...props.steps.flatMap((step, i) => step.action.analysis === undefined ? []
        : analysisProblems(`step ${i} analysis`, step.action.analysis, this.namespace, true)),
      ...(props.backgroundAnalysis === undefined ? [] : [
        ...analysisProblems('backgroundAnalysis', props.backgroundAnalysis, this.namespace, false),
        props.backgroundAnalysis.startingStep === undefined ? undefined
          : integerProblem('backgroundAnalysis startingStep', props.backgroundAnalysis.startingStep, 0, props.steps.length - 1),
      ]),
    );
    problems.throwIfAny();

    const port = this.servicePort;
    const service = (serviceId: string, name: string) => {
      const created = new MeshedService(this, serviceId, {
        metadata: { name, labels: { ...props.selectorLabels } },
        ports: [{ name: 'http', port, targetPort: targetPort!, protocol: Protocol.TCP }],
      });
      for (const [key, value] of Object.entries(props.selectorLabels)) created.selectLabel(key, value);
      return created;
    };
    this.rootService = service('RootService', rootName);
    const httpRoutes: HttpRoute[] = [];
    const grpcRoutes: GrpcRoute[] = [];
    if (usesPlugin) {
      this.stableService = service('StableService', stableName);
      this.canaryService = service('CanaryService', canaryName);
      // GAMMA: the root Service as parent makes these mesh routes that Linkerd applies to traffic addressed to it.
      // Backends render group, kind, port and weight, which the API server would default (Argo CD drift otherwise).
      const parent = RouteParent.service(this.rootService, port);
      const backends = [HttpBackend.service(this.stableService, { port, weight: 100 }), HttpBackend.service(this.canaryService, { port, weight: 0 })];
      for (const route of routes) {
        // The one default route keeps the id it always had; several are told apart by name.
        const routeId = routing.routes === undefined ? 'HttpRoute' : `Route-${route.name}`;
        if (route.kind === 'HTTPRoute') {
          httpRoutes.push(new HttpRoute(this, routeId, {
            metadata: { name: route.name }, api: HttpRouteApi.GATEWAY_V1, parent, rules: [{ matches: route.httpMatches, backends }],
          }));
        } else {
          grpcRoutes.push(new GrpcRoute(this, routeId, { metadata: { name: route.name }, parent, rules: [{ matches: route.grpcMatches,
            backends }] }));
        }
      }
    }
    this.httpRoutes = httpRoutes;
    this.grpcRoutes = grpcRoutes;
    this.argoCdIgnoreDifferences = routes.map((route) => ({
      group: 'gateway.networking.k8s.io',
      kind: route.kind,
      name: route.name,
      namespace: this.namespace,
      // Backend 0 is the stable Service and backend 1 the canary Service, as rendered above.
      jsonPointers: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
      jqPathExpressions: routing.inProgressLabel
        ? [`select(.metadata.labels["${GATEWAY_API_PLUGIN_IN_PROGRESS_LABEL.key}"] == "${GATEWAY_API_PLUGIN_IN_PROGRESS_LABEL.value}") | .spec.rules`]
        : undefined,
    }));

    const pluginConfig = routing.routes === undefined
      ? { httpRoute: routes[0]?.name }
      : {
        httpRoutes: routes.filter((r) => r.kind === 'HTTPRoute').map((r) => ({ name: r.name, useHeaderRoutes: r.headerRouting })),
        grpcRoutes: routes.filter((r) => r.kind === 'GRPCRoute').map((r) => ({ name: r.name, useHeaderRoutes: r.headerRouting })),
      };
    const strategy: RolloutSpecStrategyCanary = {
      ...(usesPlugin ? {
        stableService: stableName,
        canaryService: canaryName,
        trafficRouting: {
          managedRoutes: headerRouteNames.length === 0 ? undefined : headerRouteNames.map((name) => ({ name })),
          plugins: { [GATEWAY_API_PLUGIN_NAME]: {
            ...withoutEmptyLists(pluginConfig), namespace: this.namespace, ...(routing.inProgressLabel ? {} : { disableInProgressLabel: true }),
          } },
        },
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
      metadata: { ...props.metadata, name: this.name },
      spec: {
        replicas: props.replicas ?? 1,
        revisionHistoryLimit: props.revisionHistoryLimit ?? 10,
        selector: { matchLabels: { ...props.selectorLabels } },
        strategy: { canary: toJson_RolloutSpecStrategyCanary(strategy) },
        // cdk8s-plus renders the pod spec when the Rollout renders, so containers added later are included.
        template: Lazy.any({ produce: () => ({ metadata: this.podTemplate.podMetadata.toJson(), spec: this.podTemplate.toPodSpecJson() }) }),
      },
    });
    const podMetadata = new ApiObjectMetadataDefinition({ labels: podLabels, annotations, apiObject: this.rollout });
    this.podTemplate = new RolloutPodTemplate(this, 'PodTemplate', {
      rollout: this.rollout,
      podMetadata,
      containers: props.containers,
      initContainers: props.initContainers,
      volumes: props.volumes,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken,
      securityContext: props.securityContext,
      terminationGracePeriod: props.terminationGracePeriod,
    });
  }

  /**
   * The selector labels, as a cdk8s-plus Workload names them: a Linkerd `Server` on this construct selects the stable
   * and the canary pods alike (Argo Rollouts adds only `rollouts-pod-template-hash` to tell them apart).
   */
  public get matchLabels(): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** Set-based selector requirements: none (the Rollout selects by `selectorLabels`). */
  public get matchExpressions(): LabelSelectorRequirement[] {
    return [];
  }

  /** The pod template's containers (cdk8s-plus `Container`s), in order. */
  public get containers(): Container[] {
    return this.podTemplate.containers;
  }
}

/** Lists of the plugin configuration that are empty are left out, as the plugin omits them. */
function withoutEmptyLists(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

function routeProblems(routing: CanaryTrafficRouting, routes: readonly CanaryRoute[]): (string | undefined)[] {
  const names = routes.map((r) => `${r.kind}/${r.name}`);
  return [
    routing.routes !== undefined && routing.routeName !== undefined
      ? invalidValueProblem('routeName', routing.routeName, 'routeName or routes, not both (routes name their own objects)') : undefined,
    routing.routes !== undefined && routing.routes.length === 0 ? invalidValueProblem('routes', [], 'at least one route') : undefined,
    ...routes.map((r) => objectNameProblem(`${r.kind} name`, r.name)),
    new Set(names).size === names.length ? undefined : invalidValueProblem('routes', names, 'each route name at most once per kind'),
  ];
}

/** Header steps need a route that takes header rules; the prefix the plugin turns into `<prefix>.*` must be literal. */
function headerRouteProblems(steps: readonly CanaryStep[], usesPlugin: boolean, routes: readonly CanaryRoute[]): (string | undefined)[] {
  return steps.flatMap(({ action }, i) => {
    const header = action.setHeaderRoute;
    if (header === undefined) return [];
    return [
      objectNameProblem(`step ${i} header route name`, header.name),
      usesPlugin && routes.some((r) => r.headerRouting) ? undefined
        : invalidValueProblem(`step ${i} setHeaderRoute`, header.name,
          'a rollout routed by the Gateway API plugin with at least one route whose headerRouting is true (the plugin skips the others)'),
      header.matches !== undefined && header.matches.length === 0
        ? invalidValueProblem(`step ${i} setHeaderRoute matches`, [], 'at least one header match, or CanaryStep.removeHeaderRoute') : undefined,
      ...(header.matches ?? []).map((match) => headerMatchProblem(`step ${i} header match`, match)),
    ];
  });
}

const LITERAL_PREFIX = /^[A-Za-z0-9\-_~/:@ ]+$/;

function headerMatchProblem(what: string, match: CanaryHeaderMatch): string | undefined {
  const nameProblem = headerNameProblem(`${what} header`, match.header);
  if (nameProblem !== undefined) return nameProblem;
  if (match.value.length === 0) return invalidValueProblem(`${what} ${match.header} value`, match.value, 'a non-empty value');
  if (match.type === 'prefix' && !LITERAL_PREFIX.test(match.value)) {
    return invalidValueProblem(`${what} ${match.header} prefix`, match.value,
      'letters, digits and -_~/:@ or space (the plugin matches the regular expression "<prefix>.*"); use CanaryHeaderMatch.regex');
  }
  const error = match.type === 'regex' ? re2Error(match.value) : undefined;
  return error === undefined ? undefined : invalidValueProblem(`${what} ${match.header} regex`, match.value, `RE2 syntax; the ${error}`);
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
  if (action.setHeaderRoute !== undefined) {
    const { name, matches } = action.setHeaderRoute;
    return { setHeaderRoute: { name, match: matches?.map((m) => ({ headerName: m.header, headerValue: { [m.type]: m.value } })) } };
  }
  const reference = action.analysis!;
  return { analysis: { templates: [{ templateName: reference.template.name }], args: analysisArgs(reference, context) } };
}
