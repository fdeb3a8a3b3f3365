import * as fs from 'fs';
import * as path from 'path';
import { dryRunTargets } from '../../lib/envtest';
import { formatProblem, loadManifestFiles } from '../../lib/validation';
import { envtestSuite } from '../support/envtest';

const DIST = path.join(__dirname, '..', '..', 'dist');

envtestSuite('dist/ against the real API server', (envtest) => {
  test('every object in dist/ is accepted by a server-side dry run with strict field validation', async () => {
    const folders = fs.readdirSync(DIST, { withFileTypes: true }).filter((entry) => entry.isDirectory())
      .map((entry) => path.join(DIST, entry.name));
    const loaded = loadManifestFiles(folders);
    expect(loaded.problems).toEqual([]);
    const objects = loaded.targets.reduce((count, target) => count + target.subjects.length, 0);
    // The demo renders ~100 objects in ~10 targets; an empty dist/ would pass vacuously.
    expect(loaded.targets.length).toBeGreaterThanOrEqual(5);
    expect(objects).toBeGreaterThanOrEqual(50);
    const problems = await dryRunTargets(envtest().runner, loaded.targets);
    expect(problems.map(formatProblem)).toEqual([]);
  }, 120_000);

  test('the same dry run rejects an object the server must refuse (the check can fail)', async () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: 'dist-probe' }, data: { 'a b': 'c' } };
    const problems = await dryRunTargets(envtest().runner, [{ name: 'probe', subjects: [{ source: 'probe.yaml#0', manifest }] }]);
    expect(problems).toEqual([expect.objectContaining({
      target: 'probe', source: 'probe.yaml#0', object: 'core/ConfigMap dist-probe/probe', field: 'data[a b]', rule: 'apiserver/Invalid',
    })]);
  });
});
