import { CORE_SCHEMA, load } from 'js-yaml';
import { Json } from '../policy';
import { AccessChange, accessChanges, compare, EnforcementChange } from './access-diff';
import { TrafficChange, trafficChanges } from './traffic-diff';

/** What a change does to access and traffic, per target of two renders. */
export interface AccessDiff {
  readonly access: readonly AccessChange[];
  readonly enforcement: readonly EnforcementChange[];
  readonly traffic: readonly TrafficChange[];
  /** Whether anyone may call something they could not before (an access gained, or a Server from deny to audit): what CI gates on. */
  readonly widened: boolean;
}

/** The manifests of a rendered tree (path → content) by target folder. */
export function manifestsByTarget(tree: ReadonlyMap<string, string>): Map<string, Json[]> {
  const targets = new Map<string, Json[]>();
  for (const [file, content] of [...tree].sort(([a], [b]) => compare(a, b))) {
    if (!file.includes('/') || !file.endsWith('.yaml')) continue;
    const target = file.split('/')[0];
    // js-yaml reads every rendered file as the yaml library does (YAML 1.2 core schema), 5x faster (BENCHMARKS.md).
    const manifest = load(content, { schema: CORE_SCHEMA }) as Json | null | undefined;
    if (manifest === null || manifest === undefined || typeof manifest !== 'object') continue;
    targets.set(target, [...(targets.get(target) ?? []), manifest]);
  }
  return targets;
}

/**
 * The access diff of two renders (path → content trees, e.g. the rendered branch and a new render): for each target
 * both have, the access gained and lost and the enforcement changes, computed with the Linkerd policy evaluator, and
 * the traffic settings that changed. Targets only in one render are not compared.
 */
export function diffAccess(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): AccessDiff {
  const was = manifestsByTarget(before);
  const now = manifestsByTarget(after);
  const access: AccessChange[] = [];
  const enforcement: EnforcementChange[] = [];
  const traffic: TrafficChange[] = [];
  for (const target of [...now.keys()].sort(compare)) {
    const old = was.get(target);
    // An unchanged target changes nothing: skip the evaluator.
    if (old === undefined || JSON.stringify(old) === JSON.stringify(now.get(target))) continue;
    const changes = accessChanges(target, old, now.get(target)!);
    access.push(...changes.access);
    enforcement.push(...changes.enforcement);
    traffic.push(...trafficChanges(target, old, now.get(target)!));
  }
  const widened = access.some((a) => a.change === 'gained') || enforcement.some((e) => e.after === 'audit');
  return { access, enforcement, traffic, widened };
}

/** Whether the diff has anything to say. */
export function isEmptyAccessDiff(diff: AccessDiff): boolean {
  return diff.access.length === 0 && diff.enforcement.length === 0 && diff.traffic.length === 0;
}

/** One line per access change: `+ booksapp/books → booksapp/authors-server route authors-modify-route: DELETE ... [widened]`. */
export function accessLine(a: AccessChange): string {
  const verb = a.change === 'gained' ? '+' : '-';
  const note = a.change === 'gained' ? (a.after === 'audit' ? ' [widened, audit only]' : ' [widened]')
    : a.before === 'audit' ? ' (was audit only)' : '';
  const who = a.everyone ? `anyone (all ${a.clients.length} client classes)` : a.clients.join(', ');
  return `${verb} ${who} → Server ${a.server} route ${a.route} (${a.destination}): ${a.requests.join(', ')}${note}`;
}

export function enforcementLine(e: EnforcementChange): string {
  const meaning = e.after === 'audit' ? ' (denials are only logged) [widened]' : ' (denials are enforced)';
  return `! Server ${e.server}: ${e.before} → ${e.after}${meaning}`;
}

export function trafficLine(t: TrafficChange): string {
  const value = t.before === undefined ? `added ${t.after}` : t.after === undefined ? `removed (was ${t.before})` : `${t.before} → ${t.after}`;
  return `~ ${t.object} ${t.setting}: ${value}`;
}

/** The section for `npm run diff` and the render's commit message: per target, access, enforcement and traffic lines. */
export function formatAccessDiff(diff: AccessDiff, indent = ''): string[] {
  if (isEmptyAccessDiff(diff)) return [`${indent}Access and traffic: no changes`];
  const lines = [`${indent}Access and traffic (from the Linkerd policy evaluator${diff.widened ? '; ACCESS WIDENED' : ''}):`];
  for (const [target, entries] of byTarget(diff)) {
    lines.push(`${indent}  ${target}/`);
    for (const line of entries) lines.push(`${indent}    ${line}`);
  }
  return lines;
}

/** The same as Markdown, for a pull-request comment. */
export function formatAccessDiffMarkdown(diff: AccessDiff): string {
  if (isEmptyAccessDiff(diff)) return '### Access and traffic\n\nNo access or traffic changes.\n';
  const lines = ['### Access and traffic', ''];
  if (diff.widened) lines.push('> [!WARNING]', '> This change **widens access**: someone may call something they could not before.', '');
  for (const [target, entries] of byTarget(diff)) {
    lines.push(`#### \`${target}\``, '');
    for (const line of entries) {
      const [sign, ...rest] = line.split(' ');
      const label = { '+': '**gained**', '-': '**lost**', '!': '**enforcement**', '~': 'traffic' }[sign] ?? sign;
      lines.push(`- ${label} ${rest.join(' ').replace(/`/g, "'")}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function byTarget(diff: AccessDiff): Map<string, string[]> {
  const targets = new Map<string, string[]>();
  const add = (target: string, line: string) => targets.set(target, [...(targets.get(target) ?? []), line]);
  for (const e of diff.enforcement) add(e.target, enforcementLine(e));
  for (const a of diff.access) add(a.target, accessLine(a));
  for (const t of diff.traffic) add(t.target, trafficLine(t));
  return new Map([...targets].sort(([a], [b]) => compare(a, b)));
}
