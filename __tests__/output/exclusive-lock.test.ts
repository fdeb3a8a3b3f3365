import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LockBusyError, LockOwner, acquireLock } from '../../lib/output';

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  lockPath = path.join(dir, 'dist.lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const owner = (overrides: Partial<LockOwner>): string => `${JSON.stringify({
  pid: process.pid, hostname: os.hostname(), since: '2026-01-01T00:00:00.000Z', command: 'main.ts', nonce: 'feedfacefeedface', ...overrides,
})}\n`;
const holderOf = () => JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;

test('a free lock is taken at once, holds who took it, and is gone after release', () => {
  const lock = acquireLock(lockPath, { what: 'dist/' });
  expect(holderOf()).toMatchObject({ pid: process.pid, hostname: os.hostname() });
  lock.assertHeld();
  lock.release();
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('the lock of a process that is gone (killed) is taken over without waiting', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  fs.writeFileSync(lockPath, owner({ pid: Number(dead) }));
  const waits: string[] = [];
  const lock = acquireLock(lockPath, { what: 'dist/', timeoutMs: 10_000, onWait: (m) => waits.push(m) });
  expect(waits).toEqual([]);
  expect(holderOf().pid).toBe(process.pid);
  lock.release();
  expect(fs.readdirSync(dir)).toEqual([]);
});

(fs.existsSync('/proc/self/stat') ? test : test.skip)('the lock of a killed process its parent has not reaped yet (a zombie) is stale', async () => {
  // A shell starts `sleep 60` and prints its pid, then becomes `sleep 30` (exec), which never reaps its child:
  // once the test kills the inner sleep, it stays a zombie until the outer one is gone.
  const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
    const stateOf = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    const commOf = (pid: number) => fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    for (let i = 0; i < 2000 && commOf(parent.pid!) !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 5));
    process.kill(zombie, 'SIGKILL');
    for (let i = 0; i < 2000 && stateOf(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(stateOf(zombie)).toBe('Z');
    fs.writeFileSync(lockPath, owner({ pid: zombie }));
    const lock = acquireLock(lockPath, { what: 'dist/', timeoutMs: 10_000, onWait: () => { throw new Error('waited for a zombie'); } });
    expect(holderOf().pid).toBe(process.pid);
    lock.release();
  } finally {
    parent.kill('SIGKILL');
  }
});

(fs.existsSync('/proc/self/stat') ? test : test.skip)('a lock whose pid now belongs to another process (started at another time) is stale', () => {
  fs.writeFileSync(lockPath, owner({ processStart: '1' }));
  const lock = acquireLock(lockPath, { what: 'dist/', timeoutMs: 10_000 });
  expect(holderOf().nonce).not.toBe('feedfacefeedface');
  lock.release();
});

test('a live holder is waited for, then named with what to do; the lock stays its', () => {
  const live = owner({ processStart: undefined });
  fs.writeFileSync(lockPath, live);
  const waits: string[] = [];
  const busy = (() => {
    try {
      acquireLock(lockPath, { what: 'dist/', timeoutMs: 200, onWait: (m) => waits.push(m) });
    } catch (error) {
      return error as LockBusyError;
    }
    throw new Error('expected LockBusyError');
  })();
  expect(busy).toBeInstanceOf(LockBusyError);
  expect(waits).toEqual([`Waiting for dist/: pid ${process.pid} (main.ts) on host ${os.hostname()}, since 2026-01-01T00:00:00.000Z is writing it; `
    + 'waiting up to 0.2 s']);
  expect(busy.message).toBe(`dist/ is being written by another process: pid ${process.pid} (main.ts) on host ${os.hostname()}, `
    + `since 2026-01-01T00:00:00.000Z (lock ${lockPath}); waited 0.2 s. It is still running: wait for it to finish, or stop it`);
  expect(fs.readFileSync(lockPath, 'utf8')).toBe(live);
  expect(fs.readdirSync(dir)).toEqual(['dist.lock']);
});

test('a holder on another host cannot be checked: it counts as alive, and the message says how to remove it', () => {
  fs.writeFileSync(lockPath, owner({ hostname: 'build-agent-7', pid: 1 }));
  expect(() => acquireLock(lockPath, { what: 'dist/', timeoutMs: 0, onWait: () => undefined }))
    .toThrow(`It runs on another host, which cannot be checked from here; if nothing runs there, remove ${lockPath}`);
});

test('a file that is not this project\'s lock is not taken over', () => {
  fs.writeFileSync(lockPath, 'something else\n');
  expect(() => acquireLock(lockPath, { what: 'dist/' })).toThrow(`${lockPath} exists but is not a lock written by this project; `
    + 'if no synth or render is running, remove it');
  expect(fs.readFileSync(lockPath, 'utf8')).toBe('something else\n');
});

test('release leaves a lock that is no longer this process\'s, and assertHeld says it was lost', () => {
  const lock = acquireLock(lockPath, { what: 'dist/' });
  fs.writeFileSync(lockPath, owner({ nonce: '0123456789abcdef' }));
  expect(() => lock.assertHeld()).toThrow(`the lock ${lockPath} was removed or taken over while this process held it; nothing was swapped in`);
  lock.release();
  expect(holderOf().nonce).toBe('0123456789abcdef');
});
