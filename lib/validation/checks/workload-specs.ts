import { APPS, ARGO, BATCH } from '../api-groups';
import { fieldPath } from '../field-path';
import { IndexedObject, Report } from '../target-index';
import { asObject, asString, getIn, JsonObject } from '../values';
import { checkLabelSelector } from './label-selectors';
import { TargetCheck } from './target-check';

const SELECTING_KINDS = [[APPS, 'Deployment'], [APPS, 'ReplicaSet'], [APPS, 'StatefulSet'], [APPS, 'DaemonSet'], [BATCH, 'Job']] as const;

const PERCENT = /^[0-9]+%$/;
const CRONJOB_NAME_LIMIT = 52;
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

/**
 * The spec rules of the workload kinds: pkg/apis/apps/validation (ValidateDeploymentSpec, ValidateStatefulSetSpec,
 * ValidateDaemonSetSpec, ValidateReplicaSetSpec) and pkg/apis/batch/validation (validateJobSpec, validateCronJobSpec),
 * and the non-negative replicas the Rollout CRD's scale subresource enforces. Pod templates are checked by pod-specs.
 */
export const checkWorkloadSpecs: TargetCheck = (index, report) => {
  for (const object of index.ofKind(APPS, 'Deployment')) checkDeployment(object, spec(object), report);
  for (const object of index.ofKind(APPS, 'ReplicaSet')) checkReplicated(object, spec(object), report);
  for (const object of index.ofKind(APPS, 'StatefulSet')) checkStatefulSet(object, spec(object), report);
  for (const object of index.ofKind(APPS, 'DaemonSet')) checkDaemonSet(object, spec(object), report);
  for (const object of index.ofKind(BATCH, 'Job')) checkJob(object, spec(object), 'spec', report);
  for (const object of index.ofKind(BATCH, 'CronJob')) checkCronJob(object, spec(object), report);
  for (const [group, kind] of SELECTING_KINDS) {
    // matchLabels are checked with the other labels (object-metadata).
    for (const object of index.ofKind(group, kind)) checkLabelSelector(object, spec(object).selector, 'spec.selector', report, false);
  }
  for (const object of index.ofKind(ARGO, 'Rollout')) {
    const replicas = spec(object).replicas;
    if (typeof replicas === 'number' && replicas < 0) report(object, 'spec.replicas', 'core/replicas',
      `replicas ${replicas} is negative; allowed: 0 or more`);
  }
};

function spec(object: IndexedObject): JsonObject {
  return asObject(object.manifest.spec) ?? {};
}

function checkNonNegative(object: IndexedObject, value: unknown, path: string, rule: string, report: Report): void {
  if (typeof value === 'number' && value < 0) report(object, path, rule,
    `${path.slice(path.lastIndexOf('.') + 1)} ${value} is negative; allowed: 0 or more`);
}

function checkReplicated(object: IndexedObject, s: JsonObject, report: Report): void {
  checkNonNegative(object, s.replicas, 'spec.replicas', 'core/replicas', report);
  checkNonNegative(object, s.minReadySeconds, 'spec.minReadySeconds', 'core/workload-spec', report);
}

function checkDeployment(object: IndexedObject, s: JsonObject, report: Report): void {
  checkReplicated(object, s, report);
  checkNonNegative(object, s.revisionHistoryLimit, 'spec.revisionHistoryLimit', 'core/workload-spec', report);
  const deadline = s.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    checkNonNegative(object, deadline, 'spec.progressDeadlineSeconds', 'core/workload-spec', report);
    const minReady = typeof s.minReadySeconds === 'number' ? s.minReadySeconds : 0;
    if (deadline <= minReady) report(object, 'spec.progressDeadlineSeconds', 'core/workload-spec',
      `progressDeadlineSeconds ${deadline} is not greater than minReadySeconds ${minReady}; allowed: more than minReadySeconds`);
  }
  const strategy = asObject(s.strategy) ?? {};
  const type = asString(strategy.type) ?? 'RollingUpdate';
  if (type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
      report(object, 'spec.strategy.rollingUpdate', 'core/workload-strategy',
        'rollingUpdate is set with strategy type Recreate; allowed: rollingUpdate only with type RollingUpdate');
    }
  } else if (type === 'RollingUpdate') {
    checkRollingUpdate(object, asObject(strategy.rollingUpdate), 'spec.strategy.rollingUpdate', true, report);
  } else {
    report(object, 'spec.strategy.type', 'core/workload-strategy', `strategy type "${type}" is not supported; allowed: Recreate, RollingUpdate`);
  }
}

/** ValidateRollingUpdateDeployment / ValidateRollingUpdateDaemonSet: int or percentage, not both zero, maxUnavailable ≤ 100%. */
function checkRollingUpdate(object: IndexedObject, update: JsonObject | undefined, path: string, surgeMayBeZero: boolean, report: Report): void {
  if (!update) return;
  const surge = checkIntOrPercent(object, update.maxSurge, fieldPath(path, 'maxSurge'), report);
  const unavailable = checkIntOrPercent(object, update.maxUnavailable, fieldPath(path, 'maxUnavailable'), report);
  if (unavailable !== undefined && unavailable.percent && unavailable.value > 100) {
    report(object, fieldPath(path, 'maxUnavailable'), 'core/workload-strategy',
      `maxUnavailable ${unavailable.value}% is invalid; allowed: at most 100%`);
  }
  // Deployments default maxSurge and maxUnavailable to 25%; DaemonSets maxSurge to 0 and maxUnavailable to 1.
  const surgeValue = surge?.value ?? (surgeMayBeZero ? 25 : 0);
  const unavailableValue = unavailable?.value ?? (surgeMayBeZero ? 25 : 1);
  if (surgeValue === 0 && unavailableValue === 0) {
    report(object, fieldPath(path, 'maxUnavailable'), 'core/workload-strategy',
      'maxUnavailable is 0 while maxSurge is 0, so no pod can ever be replaced; allowed: at least one of them above 0');
  }
}

function checkIntOrPercent(object: IndexedObject, value: unknown, path: string, report: Report): { value: number; percent: boolean } | undefined {
  if (typeof value === 'number') {
    if (value < 0) report(object, path, 'core/workload-strategy',
      `${path.slice(path.lastIndexOf('.') + 1)} ${value} is negative; allowed: 0 or more, or a percentage like 25%`);
    return { value, percent: false };
  }
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) {
      report(object, path, 'core/workload-strategy', `"${value}" is not a percentage; allowed: an integer, or digits followed by % (e.g. 25%)`);
      return undefined;
    }
    return { value: Number(value.slice(0, -1)), percent: true };
  }
  return undefined;
}

function checkStatefulSet(object: IndexedObject, s: JsonObject, report: Report): void {
  checkReplicated(object, s, report);
  const policy = s.podManagementPolicy;
  if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel') {
    report(object, 'spec.podManagementPolicy', 'core/workload-strategy',
      `podManagementPolicy "${String(policy)}" is invalid; allowed: OrderedReady, Parallel`);
  }
  const strategy = asObject(s.updateStrategy) ?? {};
  const type = asString(strategy.type) ?? 'RollingUpdate';
  const rollingUpdate = asObject(strategy.rollingUpdate);
  if (type === 'OnDelete') {
    if (rollingUpdate) report(object, 'spec.updateStrategy.rollingUpdate', 'core/workload-strategy',
      'rollingUpdate is set with updateStrategy type OnDelete; allowed: rollingUpdate only with type RollingUpdate');
  } else if (type === 'RollingUpdate') {
    checkNonNegative(object, rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition', 'core/workload-strategy', report);
  } else {
    report(object, 'spec.updateStrategy.type', 'core/workload-strategy',
      `updateStrategy type "${type}" is invalid; allowed: RollingUpdate, OnDelete`);
  }
}

function checkDaemonSet(object: IndexedObject, s: JsonObject, report: Report): void {
  checkNonNegative(object, s.minReadySeconds, 'spec.minReadySeconds', 'core/workload-spec', report);
  checkNonNegative(object, s.revisionHistoryLimit, 'spec.revisionHistoryLimit', 'core/workload-spec', report);
  const strategy = asObject(s.updateStrategy) ?? {};
  const type = asString(strategy.type) ?? 'RollingUpdate';
  if (type === 'RollingUpdate') checkRollingUpdate(object, asObject(strategy.rollingUpdate), 'spec.updateStrategy.rollingUpdate', false, report);
  else if (type !== 'OnDelete') report(object, 'spec.updateStrategy.type', 'core/workload-strategy',
    `updateStrategy type "${type}" is not supported; allowed: RollingUpdate, OnDelete`);
}

/** validateJobSpec (create): counts not negative, completion mode, and no hand-written selector unless manualSelector. */
function checkJob(object: IndexedObject, s: JsonObject, path: string, report: Report): void {
  for (const field of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished']) {
    checkNonNegative(object, s[field], fieldPath(path, field), 'core/job-spec', report);
  }
  const mode = s.completionMode;
  if (mode !== undefined && !COMPLETION_MODES.includes(String(mode))) {
    report(object, fieldPath(path, 'completionMode'), 'core/job-spec',
      `completionMode "${String(mode)}" is not supported; allowed: ${COMPLETION_MODES.join(', ')}`);
  }
  // Completions default to 1 only when parallelism is unset too.
  if (mode === 'Indexed' && s.completions === undefined && s.parallelism !== undefined) {
    report(object, fieldPath(path, 'completions'), 'core/job-spec', 'an Indexed Job needs completions');
  }
  if (path === 'spec' && s.selector !== undefined && s.manualSelector !== true) {
    report(object, fieldPath(path, 'selector'), 'core/job-spec',
      'selector is set without manualSelector: true; allowed: omit the selector (the API server generates a unique one)');
  }
}

function checkCronJob(object: IndexedObject, s: JsonObject, report: Report): void {
  const name = asString(getIn(object.manifest, 'metadata', 'name')) ?? '';
  if (name.length > CRONJOB_NAME_LIMIT) {
    report(object, 'metadata.name', 'core/cronjob-name',
      `name "${name}" is ${name.length} characters long; allowed: at most ${CRONJOB_NAME_LIMIT} (Job names add a suffix)`);
  }
  const schedule = asString(s.schedule);
  if (schedule !== undefined) {
    const error = cronScheduleError(schedule);
    if (error) report(object, 'spec.schedule', 'core/cronjob-schedule', error);
  }
  const policy = s.concurrencyPolicy;
  if (policy !== undefined && !CONCURRENCY_POLICIES.includes(String(policy))) {
    report(object, 'spec.concurrencyPolicy', 'core/cronjob-spec',
      `concurrencyPolicy "${String(policy)}" is not supported; allowed: ${CONCURRENCY_POLICIES.join(', ')}`);
  }
  for (const field of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    checkNonNegative(object, s[field], fieldPath('spec', field), 'core/cronjob-spec', report);
  }
  const jobSpec = asObject(getIn(s, 'jobTemplate', 'spec'));
  if (jobSpec) checkJob(object, jobSpec, 'spec.jobTemplate.spec', report);
}

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;
const CRON_RANGES: ReadonlyArray<readonly [number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const CRON_NAMES = [[], [], [], ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']];

/** The robfig/cron standard parser the CronJob validation uses: a macro or five fields, with an optional TZ= prefix. */
function cronScheduleError(schedule: string): string | undefined {
  const allowed = 'allowed: five fields (minute hour day-of-month month day-of-week) like "0 3 * * *", or a macro like @hourly';
  let text = schedule.trim();
  const tz = /^(CRON_)?TZ=\S+\s*/.exec(text);
  if (tz) text = text.slice(tz[0].length);
  if (text.startsWith('@')) {
    return CRON_MACROS.includes(text) || /^@every\s+\S+$/.test(text) ? undefined : `schedule "${schedule}" uses an unknown macro; ${allowed}`;
  }
  const fields = text.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `schedule "${schedule}" has ${fields.length} fields; ${allowed}`;
  for (let i = 0; i < 5; i++) {
    if (!CRON_FIELD.test(fields[i]) || !cronFieldInRange(fields[i], i)) {
      return `schedule "${schedule}" has an invalid field "${fields[i]}"; ${allowed}`;
    }
  }
  return undefined;
}

function cronFieldInRange(field: string, position: number): boolean {
  const [min, max] = CRON_RANGES[position];
  const names = CRON_NAMES[position];
  const toNumber = (token: string): number | undefined => {
    if (/^[0-9]+$/.test(token)) return Number(token);
    const index = names.indexOf(token.toLowerCase());
    return index < 0 ? undefined : index + (position === 3 ? 1 : 0);
  };
  return field.split(',').every((part) => {
    const range = part.split('/')[0];
    if (range === '*' || range === '?') return true;
    return range.split('-').every((token) => {
      const n = toNumber(token);
      return n !== undefined && n >= min && n <= max;
    });
  });
}
