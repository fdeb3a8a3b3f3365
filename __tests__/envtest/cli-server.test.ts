import { spawnSync } from 'child_process';
import * as path from 'path';
import { envtestSkipReason } from '../support/envtest';

const ROOT = path.join(__dirname, '..', '..');
const CASES = path.join(ROOT, '__tests__', 'validation', 'differential', 'cases');

// `npm run validate`'s own command: scripts/validate.ts bundled (scripts/validate.cjs), a fraction of tsx's start-up CPU per run.
function validate(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'validate.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--server envtest without KUBEBUILDER_ASSETS is a usage error saying how to set it', () => {
  const { code, stdout, stderr } = validate({ ...process.env, KUBEBUILDER_ASSETS: '' }, '--server', 'envtest', 'dist/booksapp/');
  expect(stdout).toBe('');
  expect(stderr).toContain('--server envtest: KUBEBUILDER_ASSETS is not set');
  expect(stderr).toContain('export KUBEBUILDER_ASSETS="$(pwd)/../shared/envtest/k8s/1.28.7-linux-amd64"');
  expect(stderr).toContain('setup-envtest use 1.28.x -p path');
  expect(code).toBe(2);
});

test('an unknown --server mode and a missing kubeconfig are usage errors', () => {
  const bogus = validate(process.env, '--server', 'minikube', 'dist/booksapp/');
  expect(bogus.stderr).toContain('--server minikube is invalid; allowed: envtest, kubeconfig, kubeconfig=<context>');
  expect(bogus.code).toBe(2);
  const noConfig = validate({ ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' }, '--server=kubeconfig', 'dist/booksapp/');
  expect(noConfig.stderr).toContain('--server kubeconfig: no kubeconfig found (looked for /nonexistent/kubeconfig)');
  expect(noConfig.code).toBe(2);
});

(envtestSkipReason === undefined ? test : test.skip)(
  `--server envtest: the API server's verdicts in the validator's problem format (own server)${
    envtestSkipReason === undefined ? '' : ' [skipped: KUBEBUILDER_ASSETS is not set]'}`,
  () => {
    const invalid = path.join(CASES, 'apps', 'deployment-replicas-negative.yaml');
    const { code, stdout, stderr } = validate(process.env, '--server', 'envtest', 'dist/booksapp/', invalid);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    // dist/booksapp/ is accepted whole; the one problem is the negative replicas, with the server's field and message.
    expect(lines).toEqual([
      'deployment-replicas-negative.yaml deployment-replicas-negative.yaml#0 apps/Deployment shop/web spec.replicas: [apiserver/Invalid] '
        + 'Invalid value: -1: must be greater than or equal to 0',
      expect.stringMatching(/^\d+ objects in 2 targets: 1 problem$/),
    ]);
    expect(code).toBe(1);
  },
  360_000,
);
