import * as fs from 'fs';
import * as path from 'path';
import { ValidationProblem, ValidationTarget, loadManifestFiles } from '../validation';
import { DryRunner, DryRunVerdict } from './dry-run';

/**
 * The differential corpus: small YAML cases under `cases/<area>/<case-name>.yaml`, each judged by the real API server
 * (the recorded verdicts in `verdicts.json`) and by the offline validator (the agreement test).
 */
export const CORPUS_ROOT = path.join(__dirname, '..', '..', '__tests__', 'validation', 'differential');
export const CASES_DIR = path.join(CORPUS_ROOT, 'cases');
export const VERDICTS_FILE = path.join(CORPUS_ROOT, 'verdicts.json');

/** One case file: all its documents form one offline validation target; the server judges each document alone. */
export interface CorpusCase {
  /** "<area>/<case-name>.yaml", the prefix of its verdict keys. */
  readonly key: string;
  readonly area: string;
  readonly file: string;
  /** `# why: <text>` header lines, joined. */
  readonly why?: string;
  /** `# offline: cannot-judge <reason>`: the offline validator cannot judge this case by design. */
  readonly cannotJudge?: string;
  /**
   * `# offline: known-gap <what is missing>`: the offline validator is known to disagree (a rule not ported yet); its
   * agreement test is expected to fail, and fails once the gap is closed, so the header gets removed.
   */
  readonly knownGap?: string;
  readonly target: ValidationTarget;
  /** Documents that did not parse (yaml/parse problems); they have no verdict. */
  readonly parseProblems: readonly ValidationProblem[];
  /** The documents, keyed `<key>#<docIndex>`, in file order. */
  readonly documents: ReadonlyArray<{ readonly key: string; readonly source: string; readonly manifest: Record<string, unknown> }>;
}

/** A recorded verdict of one document (the golden file's value). */
export interface RecordedVerdict {
  readonly verdict: 'accept' | 'reject';
  readonly reason?: string;
  readonly message?: string;
  readonly fields?: readonly string[];
}

export type VerdictFile = Record<string, RecordedVerdict>;

/** Every case file under `casesDir`, sorted by key. */
export function readCorpus(casesDir: string = CASES_DIR): CorpusCase[] {
  if (!fs.existsSync(casesDir)) return [];
  const cases: CorpusCase[] = [];
  for (const area of fs.readdirSync(casesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    for (const name of fs.readdirSync(path.join(casesDir, area)).filter((file) => /\.ya?ml$/.test(file)).sort()) {
      cases.push(readCase(path.join(casesDir, area, name), `${area}/${name}`, area));
    }
  }
  return cases;
}

export function readCase(file: string, key: string, area: string): CorpusCase {
  const header = parseHeader(fs.readFileSync(file, 'utf8'));
  const loaded = loadManifestFiles([file]);
  const target = loaded.targets[0];
  const documents = target.subjects.map((subject) => {
    const docIndex = subject.source.slice(subject.source.lastIndexOf('#') + 1);
    return { key: `${key}#${docIndex}`, source: subject.source, manifest: subject.manifest };
  });
  return { key, area, file, ...header, target, parseProblems: loaded.problems, documents };
}

/** The comment lines before the first document line: `# why: ...`, `# offline: cannot-judge <reason>`, `# offline: known-gap <text>`. */
export function parseHeader(text: string): { why?: string; cannotJudge?: string; knownGap?: string } {
  const why: string[] = [];
  let cannotJudge: string | undefined;
  let knownGap: string | undefined;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed === '---') continue;
    if (!trimmed.startsWith('#')) break;
    const comment = trimmed.replace(/^#\s?/, '');
    const whyMatch = /^why:\s*(.*)$/.exec(comment);
    if (whyMatch !== null) why.push(whyMatch[1].trim());
    const offline = /^offline:\s*cannot-judge\b\s*(.*)$/.exec(comment);
    if (offline !== null) cannotJudge = offline[1].trim() || 'no reason given';
    const gap = /^offline:\s*known-gap\b\s*(.*)$/.exec(comment);
    if (gap !== null) knownGap = gap[1].trim() || 'no reason given';
  }
  return {
    ...(why.length > 0 ? { why: why.join(' ') } : {}),
    ...(cannotJudge !== undefined ? { cannotJudge } : {}),
    ...(knownGap !== undefined ? { knownGap } : {}),
  };
}

/** The golden file's form of a live verdict: verdict, reason, message, fields (causes and flags dropped). */
export function toRecorded(verdict: DryRunVerdict): RecordedVerdict {
  if (verdict.verdict === 'accept') return { verdict: 'accept' };
  return {
    verdict: 'reject',
    ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}),
    ...(verdict.message !== undefined ? { message: stableMessage(verdict.message) } : {}),
    ...(verdict.fields !== undefined && verdict.fields.length > 0 ? { fields: [...verdict.fields] } : {}),
  };
}

/**
 * Messages that dump Go values carry per-run pointers (`(*bool)(0xc0124ca3ce)`) and generated UIDs (a Job's
 * controller-uid); they are replaced by placeholders so a re-recording of an unchanged case is byte-identical.
 */
function stableMessage(message: string): string {
  return message.replace(/\(0xc[0-9a-f]+\)/g, '(0x…)').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>');
}

/** Dry-runs every document of the cases; keys `<area>/<case>.yaml#<docIndex>`. */
export async function judgeCases(runner: DryRunner, cases: readonly CorpusCase[]): Promise<VerdictFile> {
  const documents = cases.flatMap((c) => c.documents);
  const verdicts = await runner.dryRun(documents.map((document) => document.manifest));
  const result: Record<string, RecordedVerdict> = {};
  documents.forEach((document, index) => {
    result[document.key] = toRecorded(verdicts[index]);
  });
  return result;
}

export function readVerdicts(file: string = VERDICTS_FILE): VerdictFile {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as VerdictFile) : {};
}

/** Deterministic JSON: keys sorted at every level, 2-space indent, trailing newline. */
export function serializeVerdicts(verdicts: VerdictFile): string {
  return `${JSON.stringify(sortKeys(verdicts), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** The case key of a verdict key ("area/name.yaml#2" → "area/name.yaml"). */
export function caseKeyOf(verdictKey: string): string {
  const hash = verdictKey.lastIndexOf('#');
  return hash < 0 ? verdictKey : verdictKey.slice(0, hash);
}

/**
 * The offline rule families the API server itself judges: structural schema, CEL and the Go validation of core kinds.
 * `ref/*`, `semantic/*` and `safety/*` judge things beyond one object's admission (other objects, controller
 * behaviour, policy) and are left out of the agreement.
 */
export function isApiServerClassRule(rule: string): boolean {
  return rule === 'cel' || rule.startsWith('cel/') || rule.startsWith('schema/') || rule.startsWith('core/');
}
