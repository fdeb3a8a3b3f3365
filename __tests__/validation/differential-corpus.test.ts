import { caseKeyOf, CorpusCase, isApiServerClassRule, readCorpus, readVerdicts, RecordedVerdict } from '../../lib/envtest';
import { formatProblem, validateTargets } from '../../lib/validation';

/**
 * The offline validator against the real API server's recorded verdicts (differential/verdicts.json, written by
 * `npm run corpus:record`). Runs without the binaries. Only the API-server class of offline rules (schema/*, cel,
 * core/*) counts: ref/*, semantic/* and safety/* judge what admission of one object does not (other objects,
 * controller behaviour, policy), so an object they flag may still be accepted by the server.
 */
const cases = readCorpus();
const golden = readVerdicts();
const judged = cases.filter((c) => c.cannotJudge === undefined);
const cannotJudge = cases.filter((c) => c.cannotJudge !== undefined);

if (cannotJudge.length > 0) {
  console.info(`differential corpus: ${cannotJudge.length} case(s) the offline validator cannot judge by design (not compared):\n`
    + cannotJudge.map((c) => `  ${c.key}: ${c.cannotJudge} (server: ${describe(golden[`${c.key}#0`])})`).join('\n'));
}

function describe(verdict: RecordedVerdict | undefined): string {
  if (verdict === undefined) return 'no recorded verdict';
  return verdict.verdict === 'accept' ? 'accept' : `reject [${verdict.reason}] ${verdict.message}`;
}

test('every case has readable documents, a recorded verdict for each, and the golden file no stale entries', () => {
  expect(cases.length).toBeGreaterThan(0);
  expect(cases.filter((c) => c.parseProblems.length > 0 || c.documents.length === 0).map((c) => c.key)).toEqual([]);
  const documentKeys = new Set(cases.flatMap((c) => c.documents.map((d) => d.key)));
  expect([...documentKeys].filter((key) => golden[key] === undefined)).toEqual([]);
  expect(Object.keys(golden).filter((key) => !documentKeys.has(key))).toEqual([]);
  // Keys name their case file, so a renamed case shows up as one missing and one stale entry above.
  expect(Object.keys(golden).every((key) => cases.some((c) => c.key === caseKeyOf(key)))).toBe(true);
});

for (const corpusCase of judged) {
  const name = corpusCase.knownGap === undefined
    ? `${corpusCase.key}: offline verdict equals the API server's`
    : `${corpusCase.key}: known gap (${corpusCase.knownGap}), expected to disagree until ported; then remove its "# offline: known-gap" header`;
  // A known gap is expected to fail until the rule is ported; then jest reports the failing test passed.
  (corpusCase.knownGap === undefined ? test : test.failing)(name, () => expectAgreement(corpusCase));
}

function expectAgreement(corpusCase: CorpusCase): void {
  const problems = validateTargets([corpusCase.target]).filter((p) => isApiServerClassRule(p.rule));
  const disagreements: string[] = [];
  for (const document of corpusCase.documents) {
    const recorded = golden[document.key];
    if (recorded === undefined) continue; // reported by the completeness test
    const offline = problems.filter((p) => p.source === document.source);
    const offlineVerdict = offline.length > 0 ? 'reject' : 'accept';
    if (offlineVerdict !== recorded.verdict) {
      disagreements.push(`${document.key}: API server: ${describe(recorded)}\n  offline: ${offlineVerdict}`
        + offline.map((p) => `\n    ${formatProblem(p)}`).join(''));
    }
  }
  expect(disagreements).toEqual([]);
}

test('cannot-judge and known-gap headers carry their reason', () => {
  for (const c of cases) {
    expect(c.cannotJudge).not.toBe('no reason given');
    expect(c.knownGap).not.toBe('no reason given');
  }
});
