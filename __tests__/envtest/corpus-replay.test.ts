import { judgeCases, readCorpus, readVerdicts, VerdictFile } from '../../lib/envtest';
import { envtestSuite } from '../support/envtest';

/**
 * Re-runs the differential corpus against the real API server and compares with the golden file, so the recorded
 * verdicts the offline agreement test relies on cannot rot (a changed case or CRD without `npm run corpus:record`).
 */
const cases = readCorpus();
const golden = readVerdicts();

envtestSuite('differential corpus replay', (envtest) => {
  let live: VerdictFile = {};
  beforeAll(async () => {
    live = await judgeCases(envtest().runner, cases);
  }, 240_000);

  test.each(cases.map((c) => [c.key, c] as const))('%s: live verdict equals the recorded one', (_key, corpusCase) => {
    const keys = corpusCase.documents.map((document) => document.key);
    expect(Object.fromEntries(keys.map((key) => [key, live[key]]))).toEqual(Object.fromEntries(keys.map((key) => [key, golden[key]])));
  });
});
