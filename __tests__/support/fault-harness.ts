import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTree, synthesize, writeAtomically } from '../../lib/output';
import { smallApp } from './fixtures/small-app';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join('__tests__', 'support', 'fixtures', 'small-app.ts');
/** `node --import tsx <entry>`, bundled and code-cached: a third of the start-up CPU (support/run-bundled.cjs). */
const RUN = path.join('__tests__', 'support', 'run-bundled.cjs');

/** The complete renders of the small app, v1 ("old") and v2 ("new"). */
export const OLD = synthesize(smallApp('v1')).files;
export const NEW = synthesize(smallApp('v2')).files;

/** The message of a successful synth of the small app into `outdir`. */
export const synthesized = (outdir: string) => `Synthesized 12 objects in 3 targets into ${outdir}/: a folder and a review report (.md) per target`;

export interface SynthRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function environment(outdir: string, version: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const { LPD_FAULT_INJECT: _, RENDER_LOCK_TIMEOUT_SECONDS: __, ...inherited } = process.env;
  return { ...inherited, RENDER_OUTDIR: outdir, APP_VERSION: version, ...env };
}

/** `npm run synth` of the small app at `version` into `outdir`, as its own process. */
export function synth(outdir: string, version: string, env: Record<string, string> = {}): SynthRun {
  const result = spawnSync(process.execPath, [RUN, APP], { cwd: ROOT, env: environment(outdir, version, env), encoding: 'utf8' });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Only the writer (writeAtomically of `files` into `outdir`), as its own process: quicker to start than a synth. */
export function write(outdir: string, files: ReadonlyMap<string, string>, env: Record<string, string> = {}): SynthRun {
  const filesJson = `${outdir}.files.json`;
  fs.writeFileSync(filesJson, JSON.stringify(Object.fromEntries(files)));
  try {
    const result = spawnSync(process.execPath, [RUN, path.join('__tests__', 'support', 'fixtures', 'write-files.ts')], {
      cwd: ROOT, env: { ...environment(outdir, '', env), OUTDIR: outdir, FILES_JSON: filesJson }, encoding: 'utf8',
    });
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(filesJson, { force: true });
  }
}

/** The same, started in the background; `done` resolves when it exits. */
export function synthInBackground(
  outdir: string, version: string, env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<SynthRun>; stderr: () => string } {
  const child = spawn(process.execPath, [RUN, APP], { cwd: ROOT, env: environment(outdir, version, env) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const done = new Promise<SynthRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** Resolves once `file` exists (a process reached a barrier), failing after `ms`. */
export async function waitForFile(file: string, ms = 120_000): Promise<void> {
  for (const deadline = Date.now() + ms; !fs.existsSync(file);) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A temp folder with `dist/` holding the complete old render; removed after each test. */
export function useOutputFolder(): { readonly dir: string; readonly outdir: string } {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
    writeAtomically(path.join(dir, 'dist'), OLD);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { get dir() { return dir; }, get outdir() { return path.join(dir, 'dist'); } };
}

/** What a reader that knows nothing of this project (kubectl apply -f, git add) finds: `old`, `new`, `missing` or `mixed`. */
export function observed(outdir: string): 'old' | 'new' | 'missing' | 'mixed' {
  if (!fs.existsSync(outdir)) return 'missing';
  const tree = readTree(outdir);
  const same = (a: ReadonlyMap<string, string>) => a.size === tree.size && [...a].every(([f, c]) => tree.get(f) === c);
  return same(OLD) ? 'old' : same(NEW) ? 'new' : 'mixed';
}

/** Whether `mount` works here (root in a VM or a privileged container); the real-mount cases need it. */
export const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'mount-probe-'));
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status !== 0) return false;
    return spawnSync('umount', [probe]).status === 0;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
})();

export function mount(...args: string[]): void {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount ${args.join(' ')} failed: ${result.stderr}`);
}

export function umount(target: string): void {
  spawnSync('umount', ['-l', target]);
}
