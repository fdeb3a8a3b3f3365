/**
 * Records the real API server's verdict for the differential corpus.
 *
 *   npm run corpus:record [-- <case file | area | area/case.yaml ...>]
 *
 * Starts envtest (KUBEBUILDER_ASSETS), dry-runs every document of every case (or only the named cases/areas) and
 * rewrites __tests__/validation/differential/verdicts.json: everything when no case is named, otherwise only the
 * entries of the named cases (entries of deleted case files go either way). Exit 0 on success, 2 on a usage error (unknown case, no binaries).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CASES_DIR, caseKeyOf, CorpusCase, DryRunner, EnvtestUnavailableError, judgeCases, readCorpus, readVerdicts, serializeVerdicts, startEnvtest,
  VERDICTS_FILE,
} from '../lib/envtest';

const USAGE = 'usage: corpus-record.ts [<case file | area | area/case.yaml ...>]';

function selectCases(all: readonly CorpusCase[], args: readonly string[]): CorpusCase[] | string {
  if (args.length === 0) return [...all];
  const selected = new Set<CorpusCase>();
  for (const arg of args) {
    const asPath = fs.existsSync(arg) ? path.resolve(arg) : path.join(CASES_DIR, arg);
    const relative = path.relative(CASES_DIR, asPath).split(path.sep).join('/');
    const matches = all.filter((c) => c.key === relative || c.key.startsWith(`${relative.replace(/\/$/, '')}/`));
    if (relative.startsWith('..') || matches.length === 0) {
      return `no corpus case or area matches ${arg} (cases live under ${path.relative(process.cwd(), CASES_DIR)}/<area>/)`;
    }
    for (const match of matches) selected.add(match);
  }
  return [...selected];
}

async function main(args: readonly string[]): Promise<number> {
  if (args.some((arg) => arg.startsWith('-'))) return usage(`unknown option ${args.find((arg) => arg.startsWith('-'))}`);
  const all = readCorpus();
  const cases = selectCases(all, args);
  if (typeof cases === 'string') return usage(cases);
  const unparsed = cases.filter((c) => c.parseProblems.length > 0 || c.documents.length === 0);
  if (unparsed.length > 0) return usage(`cases without readable objects: ${unparsed.map((c) => c.key).join(', ')}`);

  let envtest;
  try {
    envtest = await startEnvtest();
  } catch (error) {
    if (error instanceof EnvtestUnavailableError) return usage(error.message);
    throw error;
  }
  try {
    const runner = new DryRunner(envtest.client, envtest.resources, { createNamespaces: true });
    const started = Date.now();
    const fresh = await judgeCases(runner, cases);
    // Named cases: their entries are replaced, other cases' entries kept, entries of deleted case files dropped.
    const recordedKeys = new Set(cases.map((c) => c.key));
    const existingKeys = new Set(all.map((c) => c.key));
    const kept = args.length === 0 ? {} : Object.fromEntries(Object.entries(readVerdicts())
      .filter(([key]) => existingKeys.has(caseKeyOf(key)) && !recordedKeys.has(caseKeyOf(key))));
    fs.writeFileSync(VERDICTS_FILE, serializeVerdicts({ ...kept, ...fresh }));
    const rejected = Object.values(fresh).filter((v) => v.verdict === 'reject').length;
    const count = Object.keys(fresh).length;
    process.stdout.write(`recorded ${count} documents of ${cases.length} cases (${rejected} rejected) in ${Date.now() - started} ms `
      + `(server start ${envtest.timings.crdsMs} ms) into ${path.relative(process.cwd(), VERDICTS_FILE)}\n`);
    return 0;
  } finally {
    await envtest.stop();
  }
}

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`corpus-record: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 3;
});
