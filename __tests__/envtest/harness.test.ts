import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EnvtestUnavailableError, resolveAssetsDir, startEnvtest } from '../../lib/envtest';
import { envtestSkipReason } from '../support/envtest';

const CHILD = path.join(__dirname, '..', 'support', 'envtest-child.ts');
const RUN = path.join(__dirname, '..', 'support', 'run-bundled.cjs');
const scratch: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envtest-harness-test-'));
  scratch.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Starts envtest-child.ts (bundled, support/run-bundled.cjs: a fraction of tsx's start-up CPU) and resolves with its JSON line. */
function startChild(args: string[]): Promise<{ child: ChildProcess; info: { processGroups: number[]; dir?: string } }> {
  const child = spawn(process.execPath, [RUN, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, info: JSON.parse(out.split('\n')[0]) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

test('without KUBEBUILDER_ASSETS the harness refuses to start and says how to get the binaries', () => {
  expect(() => resolveAssetsDir('')).toThrow(EnvtestUnavailableError);
  expect(() => resolveAssetsDir('')).toThrow(/KUBEBUILDER_ASSETS is not set.*\.\.\/shared\/envtest\/k8s\/1\.28\.7-linux-amd64/);
  expect(() => resolveAssetsDir('')).toThrow('setup-envtest use 1.28.x -p path');
  const empty = tempDir();
  expect(() => resolveAssetsDir(empty)).toThrow(`KUBEBUILDER_ASSETS=${empty} has no executable etcd`);
});

test('a binary that dies at start fails the start with its log, and everything started is stopped and removed', async () => {
  const assets = tempDir();
  const tempRoot = tempDir();
  const pidFile = path.join(tempDir(), 'apiserver.pid');
  fs.writeFileSync(path.join(assets, 'etcd'), '#!/bin/sh\necho "etcd: cannot bind, giving up" >&2\nexit 3\n', { mode: 0o755 });
  fs.writeFileSync(path.join(assets, 'kube-apiserver'), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 300\n`, { mode: 0o755 });
  await expect(startEnvtest({ assetsDir: assets, tempRoot, crdPaths: [] }))
    .rejects.toThrow(/envtest: etcd exited with code 3 while waiting for the serving certificate:\netcd: cannot bind, giving up/);
  expect(fs.readdirSync(tempRoot)).toEqual([]);
  expect(await eventually(() => fs.existsSync(pidFile), 5000)).toBe(true);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  expect(await eventually(() => !groupAlive(pid) && !pidAlive(pid), 5000)).toBe(true);
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the supervisor kills its binary within seconds when the owning process dies by SIGKILL (no cleanup ran)', async () => {
  const { child, info } = await startChild(['supervise-sleep', path.join(tempDir(), 'sleep.log')]);
  const [group] = info.processGroups;
  expect(groupAlive(group)).toBe(true);
  child.kill('SIGKILL');
  await exited(child);
  expect(await eventually(() => !groupAlive(group), 5000)).toBe(true);
});

(envtestSkipReason === undefined ? test : test.skip)(
  `SIGINT stops etcd and kube-apiserver and removes the temp folder; the (read-only) assets folder is untouched${
    envtestSkipReason === undefined ? '' : ' [skipped: KUBEBUILDER_ASSETS is not set]'}`,
  async () => {
    // A read-only folder of links to the binaries, as CI's copy of shared/ without write bits.
    const source = resolveAssetsDir();
    const assets = path.join(tempDir(), 'assets');
    fs.mkdirSync(assets);
    for (const binary of fs.readdirSync(source)) fs.symlinkSync(path.join(source, binary), path.join(assets, binary));
    fs.chmodSync(assets, 0o555);
    const listing = (dir: string) => fs.readdirSync(dir).map((name) => {
      const stat = fs.statSync(path.join(dir, name));
      return `${name} ${stat.size} ${stat.mode} ${stat.mtimeMs}`;
    });
    const before = { assets: listing(assets), source: listing(source), mtime: fs.statSync(source).mtimeMs };
    const tempRoot = tempDir();

    const { child, info } = await startChild(['start', assets, tempRoot]);
    expect(info.processGroups).toHaveLength(2);
    expect(info.processGroups.every(groupAlive)).toBe(true);
    expect(fs.existsSync(info.dir!)).toBe(true);
    child.kill('SIGINT');
    // The default SIGINT behaviour is kept: the process ends by that signal once the harness has cleaned up.
    expect(await exited(child)).toEqual({ code: null, signal: 'SIGINT' });
    expect(await eventually(() => !info.processGroups.some(groupAlive), 5000)).toBe(true);
    expect(fs.readdirSync(tempRoot)).toEqual([]);
    expect({ assets: listing(assets), source: listing(source), mtime: fs.statSync(source).mtimeMs }).toEqual(before);
  },
  360_000,
);
