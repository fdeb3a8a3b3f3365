/**
 * Our YAML reading against the real kubectl's, recorded in fixtures/yaml-reading/kubectl-reading.json by
 * `npm run record:yaml-reading` (kubectl 1.28.7 from KUBEBUILDER_ASSETS). For every fixture the reader either
 * reads exactly what kubectl reads, or reports a yaml/* problem: always when kubectl fails, and where kubectl
 * reads something we refuse on purpose (FLAGGED below, each with its reason).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadManifestFiles } from '../../lib/validation';
import {
  fixtureFiles, KUBECTL_READING_FILE, KubectlReading, kubectlPath, recordKubectlReading, YAML_READING_FIXTURES,
} from '../../scripts/record-yaml-reading';

const recorded = JSON.parse(fs.readFileSync(KUBECTL_READING_FILE, 'utf8')) as { recordedWith: string; readings: Record<string, KubectlReading> };

/** Files kubectl reads but we report, with the rule we report and why. */
const FLAGGED: Record<string, { rule: string; why: string }> = {
  'duplicate-keys.yaml': { rule: 'yaml/parse', why: 'kubectl silently keeps the last value of a repeated key' },
  'duplicate-keys-by-resolution.yaml': { rule: 'yaml/parse', why: '`yes` and `true` are both the key "true" for kubectl, which keeps the last' },
  'document-end-then-content.yaml': { rule: 'yaml/parse', why: 'kubectl silently ignores what follows "..." up to the next "---"' },
  'merge-integer-key.yaml': { rule: 'yaml/merge-order', why: 'js-yaml lists integer-like keys first, losing their order against <<' },
  'latin1.yaml': { rule: 'yaml/parse', why: 'kubectl replaces the invalid bytes with U+FFFD' },
};

function ourReading(file: string) {
  const loaded = loadManifestFiles([path.join(YAML_READING_FIXTURES, file)]);
  return { documents: loaded.targets[0].subjects.map((subject) => subject.manifest), problems: loaded.problems };
}

test('every fixture has a recorded kubectl reading, and the recording is from kubectl 1.28', () => {
  expect(Object.keys(recorded.readings).sort()).toEqual(fixtureFiles());
  expect(recorded.recordedWith).toMatch(/^kubectl v1\.28\./);
});

describe.each(fixtureFiles())('%s', (file) => {
  const kubectl = recorded.readings[file];
  const ours = ourReading(file);

  if (kubectl.error !== null) {
    test(`kubectl fails (${kubectl.error.replace(/^error: error parsing [^:]+: /, '')}); we report a yaml problem`, () => {
      expect(ours.problems.map((problem) => problem.rule)).toContainEqual(expect.stringMatching(/^yaml\//));
      expect(ours.documents.slice(0, kubectl.documents.length)).toEqual(kubectl.documents);
    });
  } else if (FLAGGED[file] !== undefined) {
    test(`kubectl reads it, we report ${FLAGGED[file].rule}: ${FLAGGED[file].why}`, () => {
      expect(ours.problems.map((problem) => problem.rule)).toContain(FLAGGED[file].rule);
    });
  } else {
    test('we read what kubectl reads, without problems', () => {
      expect(ours.problems).toEqual([]);
      expect(ours.documents).toEqual(kubectl.documents);
    });
  }

  test('problems are one concise line each, at most one for a binary or non-UTF-8 file', () => {
    for (const problem of ours.problems) {
      expect(problem.message).not.toContain('\n');
      expect(problem.message.length).toBeLessThan(300);
    }
    if (/^(binary|latin1|control-character|truncated-utf8)\.yaml$/.test(file)) expect(ours.problems).toHaveLength(1);
  });
});

test('FLAGGED lists only files kubectl reads', () => {
  for (const file of Object.keys(FLAGGED)) expect(recorded.readings[file]?.error).toBeNull();
});

const kubectl = kubectlPath();
(kubectl === undefined ? test.skip : test)('the recording is current: kubectl still reads every fixture so (needs KUBEBUILDER_ASSETS)', () => {
  for (const file of fixtureFiles()) {
    const reading = recordKubectlReading(kubectl!, path.join(YAML_READING_FIXTURES, file));
    expect({ file, reading }).toEqual({ file, reading: recorded.readings[file] });
  }
});
if (kubectl === undefined) {
  test('kubectl re-check skipped: KUBEBUILDER_ASSETS is not set (the recorded readings are still compared above)', () => {
    expect(process.env.KUBEBUILDER_ASSETS ?? '').toBe('');
  });
}
