import * as fs from 'fs';
import * as path from 'path';
import { formatProblem, loadManifestFiles, validateTargets } from '../../lib/validation';

/**
 * Each fixture in fixtures/invalid is one target with one deliberate fault, described by header comments:
 *   # expect-rule: <rule id>   # expect-field: <field path>   # expect-message: <substring of the message>
 */
const INVALID = path.join(__dirname, 'fixtures', 'invalid');

interface Expectation {
  readonly file: string;
  readonly rule: string;
  readonly field: string;
  readonly message: string;
}

function expectationOf(file: string): Expectation {
  const text = fs.readFileSync(path.join(INVALID, file), 'utf8');
  const header = (key: string): string => {
    const match = new RegExp(`^# expect-${key}: ?(.*)$`, 'm').exec(text);
    if (!match) throw new Error(`${file} lacks "# expect-${key}:"`);
    return match[1];
  };
  return { file, rule: header('rule'), field: header('field'), message: header('message') };
}

const cases = fs.readdirSync(INVALID).filter((file) => file.endsWith('.yaml')).sort().map(expectationOf);

test('the corpus has at least 50 invalid documents', () => {
  expect(cases.length).toBeGreaterThanOrEqual(50);
});

test.each(cases)('$file reports [$rule] at "$field"', ({ file, rule, field, message }) => {
  const { targets, problems: parseProblems } = loadManifestFiles([path.join(INVALID, file)]);
  expect(parseProblems).toEqual([]);
  const problems = validateTargets(targets);
  const matching = problems.filter((p) => p.rule === rule && p.field === field && p.message.includes(message));
  if (matching.length === 0) {
    throw new Error(`expected [${rule}] at "${field}" containing ${JSON.stringify(message)}; got:\n${problems.map(formatProblem).join('\n')}`);
  }
  expect(matching[0]).toMatchObject({ target: file, source: expect.stringMatching(new RegExp(`^${file.replace('.', '\\.')}#\\d+$`)) });
});
