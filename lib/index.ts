/**
 * The library's one entry for users: charts, main.ts and the README's examples import from here. Each area's
 * index.ts is its API for the rest of lib/ and for scripts/; what only other areas or scripts need (the engine's
 * plain-object helpers, the git runner, test-only fault points) stays out of this file. ARCHITECTURE.md draws the
 * areas; __tests__/architecture/public-api.test.ts checks that every type a signature here uses is exported here too.
 */
export * from './contracts';
export * from './common';
export * from './mesh';
export * from './delivery';
export * from './platform';
export * from './review';
export * from './change-review';
export * from './policy';
// lib/mesh's ProxyProtocol (the construct vocabulary) is the one under this name; the evaluator's is a plain string type.
export { ProxyProtocol } from './mesh';
export type { ProxyProtocol as PolicyProxyProtocol } from './policy';

// The pipeline (lib/output).
export {
  ApplyPhase, OutputWriteError, SYNC_WAVE_ANNOTATION, TARGET_NAME, applyPhaseOf, fileNameOf, layoutFiles, readTree, renderTargets,
  synthesisFiles, synthesize, synthesizeMain, syncWaveOf, toValidationTargets, validateRendered, withSyncWave, writeAtomically,
} from './output';
export type {
  AppBuilder, ExternalServiceAccountDeclaration, OutputState, RenderTarget, RenderedObject, Synthesis, WriteOptions, WriteResult,
} from './output';

// Argo CD and the rendered branch (lib/gitops).
export {
  APPLICATION_WAVE, ArgoCdApplication, ArgoCdProject, DEFAULT_RENDERED_BRANCH, FleetApplications, PLATFORM_APPLICATION_WAVE,
  RenderRefusedError, RenderedBranchApplications, SyncPolicy, SyncRetry, WIDENED_ACCESS_EXIT_CODE, compareRenders, diffExitCode,
  diffRender, formatRenderDiff, formatRenderDiffAs, formatRenderDiffMarkdown, normalizeRepoUrl, parseRenderArgs, prepareRender,
  publishRender, readRenderedBranch, renderedSourceOf, rollbackMessage, rollbackOf, targetFoldersOf, writeTree,
} from './gitops';
export type {
  ArgoCdApplicationProps, ArgoCdProjectProps, AutomatedSyncOptions, ClusterResource, DiffRenderOptions, Environment,
  EnvironmentTargets, FieldChange, FileChange, FleetApplicationsProps, FleetCluster, ObjectChange, PreparedRender,
  ProjectDestination, PublishRenderOptions, PublishResult, RenderCliArgs, RenderCommand, RenderDestination, RenderDiff,
  RenderDiffFormat, RenderValidator, RenderedBranchApplicationsProps, RenderedBranchState, ResourceKind, Rollback,
  SyncRetryBackoffOptions,
} from './gitops';

// The validation engine (lib/validation), for hand-written YAML.
export { explainYaml11Readings, formatProblem, loadManifestFiles, validateTargets } from './validation';
export type {
  LoadedManifests, SourcedYaml11Reading, ValidateOptions, ValidationProblem, ValidationSubject, ValidationTarget, Yaml11Reading,
} from './validation';

// Generated classes (imports/) that public properties expose, e.g. FlaggerCanary.canary and GrpcRoute.apiObject.
export * as flaggerApi from '../imports/flagger-flagger.app';
export * as gatewayGrpcRouteApi from '../imports/gateway-grpcroute-gateway.networking.k8s.io';
