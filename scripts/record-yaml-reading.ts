/**
 * npm run record:yaml-reading
 *
 * Records how the real kubectl reads each YAML fixture in __tests__/validation/fixtures/yaml-reading/ into
 * kubectl-reading.json there, for yaml-reading.test.ts to compare our reader with. kubectl comes from
 * $KUBEBUILDER_ASSETS (the envtest folder; ../shared/envtest/k8s/1.28.7-linux-amd64 here).
 *
 * `kubectl label --local -f <file> -o json fixture=yaml-reading --overwrite` reads the file exactly as
 * `kubectl apply -f` does (the same resource builder: its YAML splitting, sigs.k8s.io/yaml, JSON) and needs no
 * server. It sets a label every fixture object already carries, so the printed objects are the objects as read.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const YAML_READING_FIXTURES = path.join(__dirname, '..', '__tests__', 'validation', 'fixtures', 'yaml-reading');
export const KUBECTL_READING_FILE = path.join(YAML_READING_FIXTURES, 'kubectl-reading.json');

/** kubectl's reading of one file: the objects it printed, and its error when it stopped. */
export interface KubectlReading {
  readonly documents: unknown[];
  readonly error: string | null;
}

export function kubectlPath(): string | undefined {
  const assets = process.env.KUBEBUILDER_ASSETS;
  const kubectl = assets === undefined || assets === '' ? undefined : path.join(assets, 'kubectl');
  return kubectl !== undefined && fs.existsSync(kubectl) ? kubectl : undefined;
}

export function fixtureFiles(): string[] {
  return fs.readdirSync(YAML_READING_FIXTURES).filter((name) => name.endsWith('.yaml')).sort();
}

export function recordKubectlReading(kubectl: string, file: string): KubectlReading {
  const result = spawnSync(kubectl, ['label', '--local', '-f', file, '-o', 'json', 'fixture=yaml-reading', '--overwrite'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', KUBECONFIG: '/dev/null' },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  // Objects are printed one after another, each a JSON object starting with "{" at column 0.
  const documents = result.stdout.split(/^(?=\{)/m).filter((part) => part.trim() !== '').map((part) => JSON.parse(part) as unknown);
  const error = result.status === 0 ? null : result.stderr.trim().split(file).join(path.basename(file));
  return { documents, error };
}

function main(): number {
  const kubectl = kubectlPath();
  if (kubectl === undefined) {
    process.stderr.write('record-yaml-reading: set KUBEBUILDER_ASSETS to a folder with kubectl (e.g. ../shared/envtest/k8s/1.28.7-linux-amd64)\n');
    return 2;
  }
  const version = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const readings: Record<string, KubectlReading> = {};
  for (const name of fixtureFiles()) readings[name] = recordKubectlReading(kubectl, path.join(YAML_READING_FIXTURES, name));
  const recordedWith = (JSON.parse(version.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  fs.writeFileSync(KUBECTL_READING_FILE, `${JSON.stringify({ recordedWith: `kubectl ${recordedWith}`, readings }, null, 2)}\n`);
  const into = path.relative(process.cwd(), KUBECTL_READING_FILE);
  process.stdout.write(`recorded ${Object.keys(readings).length} fixtures with kubectl ${recordedWith} into ${into}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
