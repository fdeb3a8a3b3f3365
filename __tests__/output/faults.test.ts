/**
 * Synths under hostile conditions: two at once, a lock held too long, a read-only output, a full disk, a clean-up that
 * fails after the swap, dist/ as a mount point. Each asserts the invariant (dist/ holds the old or the new complete
 * render) and that every message about dist/ is true. Faults are injected (LPD_FAULT_INJECT) and, where this machine
 * allows mounting (root), also real: a read-only bind mount, a small tmpfs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTree, writeAtomically } from '../../lib/output';
import {
  NEW, OLD, canMount, mount, observed, synth, synthInBackground, synthesized, umount, useOutputFolder, waitForFile,
} from '../support/fault-harness';

const out = useOutputFolder();
const unchanged = (outdir: string) => `Synthesis failed: ${outdir} was left unchanged: `;
// Several synth processes per test: on a loaded machine one can take 30 s to start.
jest.setTimeout(300_000);

describe('two synths at once', () => {
  test('the second waits for the first, naming it, then writes; both complete and say so truthfully', async () => {
    const barrier = path.join(out.dir, 'barrier');
    const first = synthInBackground(out.outdir, 'v1', { LPD_FAULT_INJECT: `written=barrier:${barrier}` });
    await waitForFile(`${barrier}.reached`);
    const second = synthInBackground(out.outdir, 'v2');
    // The first holds the lock with its files written; the second reports that it waits, and for whom.
    for (const deadline = Date.now() + 120_000; !second.stderr().includes('Waiting');) {
      if (Date.now() > deadline) throw new Error(`the second synth did not wait: ${second.stderr()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(observed(out.outdir)).toBe('old');
    fs.writeFileSync(barrier, '');
    const [a, b] = await Promise.all([first.done, second.done]);

    expect(a).toMatchObject({ status: 0, stderr: '' });
    expect(a.stdout.trim()).toBe(synthesized(out.outdir));
    expect(b.status).toBe(0);
    expect(b.stderr).toMatch(new RegExp(`^Waiting for ${out.outdir}/: pid ${first.child.pid} \\(.*small-app\\.ts\\) on host .*, `
      + 'since .* is writing it; '
      + 'waiting up to 60 s\\n$'));
    expect(b.stdout.trim()).toBe(synthesized(out.outdir));
    expect(readTree(out.outdir)).toEqual(NEW);
    expect(fs.readdirSync(out.dir)).toEqual(['barrier', 'barrier.reached', 'dist']);
  });

  test('four at once, two versions: every one exits 0, and dist/ ends complete', async () => {
    const runs = await Promise.all(['v2', 'v1', 'v2', 'v1'].map((v) => synthInBackground(out.outdir, v).done));
    for (const run of runs) {
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(synthesized(out.outdir));
    }
    expect(['old', 'new']).toContain(observed(out.outdir));
    expect(fs.readdirSync(out.dir)).toEqual(['dist']);
  });

  test('a holder that keeps the lock past the timeout: the waiter fails naming it, and dist/ is what the holder leaves', async () => {
    const barrier = path.join(out.dir, 'barrier');
    const holder = synthInBackground(out.outdir, 'v2', { LPD_FAULT_INJECT: `written=barrier:${barrier}` });
    await waitForFile(`${barrier}.reached`);

    const waiter = synth(out.outdir, 'v1', { RENDER_LOCK_TIMEOUT_SECONDS: '0.3' });
    expect(waiter.status).toBe(1);
    expect(waiter.stderr).toContain(`${unchanged(out.outdir)}${out.outdir}/ is being written by another process: pid ${holder.child.pid} (`);
    expect(waiter.stderr).toContain(`(lock ${out.outdir}.lock); waited 0.3 s. It is still running: wait for it to finish, or stop it`);
    expect(waiter.stdout).toBe('');
    expect(observed(out.outdir)).toBe('old');

    fs.writeFileSync(barrier, '');
    expect((await holder.done).status).toBe(0);
    expect(observed(out.outdir)).toBe('new');
  });
});

describe('the output cannot be written', () => {
  test.each([['writing', 'enospc', 'ENOSPC: no space left on device'], ['written', 'erofs', 'EROFS: read-only file system'],
    ['lock-acquired', 'eacces', 'EACCES: permission denied'],
  ])('injected at %s: %s fails the synth, dist/ unchanged, no scratch left', (point, fault, text) => {
    const run = synth(out.outdir, 'v2', { LPD_FAULT_INJECT: `${point}=${fault}` });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${unchanged(out.outdir)}${text} (injected at ${point})\n`);
    expect(readTree(out.outdir)).toEqual(OLD);
    expect(fs.readdirSync(out.dir)).toEqual(['dist']);
  });

  /** Runs `check` with the old render in `dist/` on a 256 KiB tmpfs that a `filler` file fills up to `roomLeft` bytes. */
  function onFullTmpfs(roomLeft: number, check: (disk: string, outdir: string) => void): void {
    const disk = path.join(out.dir, 'disk');
    fs.mkdirSync(disk);
    mount('-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk);
    try {
      const outdir = path.join(disk, 'dist');
      writeAtomically(outdir, OLD);
      const { bavail, bsize } = fs.statfsSync(disk);
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(bavail * bsize - roomLeft));
      check(disk, outdir);
    } finally {
      umount(disk);
    }
  }

  /** A synth into `outdir` fails with ENOSPC, says dist/ is unchanged, leaves it so, and leaves nothing beside it on `disk`. */
  function expectFailedForSpace(disk: string, outdir: string): void {
    const full = synth(outdir, 'v2');
    expect(full.status).toBe(1);
    expect(full.stdout).toBe('');
    expect(full.stderr.startsWith(`${unchanged(outdir)}ENOSPC: no space left on device`)).toBe(true);
    expect(readTree(outdir)).toEqual(OLD);
    expect(fs.readdirSync(disk).sort()).toEqual(['dist', 'filler']);
  }

  (canMount ? test : test.skip)('a real full disk (a small tmpfs filled up): the synth fails, dist/ unchanged, nothing left behind', () => {
    // Leave room for the lock and a few files of the new render, not for all of it.
    onFullTmpfs(6 * 4096, (disk, outdir) => {
      expectFailedForSpace(disk, outdir);

      fs.rmSync(path.join(disk, 'filler'));
      expect(synth(outdir, 'v2').status).toBe(0);
      expect(readTree(outdir)).toEqual(NEW);
    });
  });

  (canMount ? test : test.skip)('a disk with no space at all (not even for the lock): the synth fails, dist/ unchanged, nothing left', () => {
    onFullTmpfs(0, (disk, outdir) => {
      // The lock file could be created but not written: it is removed, not left to name no one.
      expectFailedForSpace(disk, outdir);
    });
  });

  (canMount ? test : test.skip)('a real read-only output folder (a read-only bind mount): the synth fails, saying so; dist/ unchanged', () => {
    mount('--bind', out.dir, out.dir);
    try {
      mount('-o', 'remount,bind,ro', out.dir);
      const run = synth(out.outdir, 'v2');
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^Synthesis failed: .*dist was left unchanged: EROFS: read-only file system/);
      expect(readTree(out.outdir)).toEqual(OLD);
    } finally {
      umount(out.dir);
    }
    expect(fs.readdirSync(out.dir)).toEqual(['dist']);
  });
});

describe('after the swap', () => {
  test('a clean-up that fails is a true warning, exit 0, and does not break the next synth', () => {
    const run = synth(out.outdir, 'v2', { LPD_FAULT_INJECT: 'cleaning=eacces' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^warning: ${out.outdir} holds the new content, but the previous one could not be removed from `
      + `${out.outdir}\\.next-\\w{6} \\(EACCES: permission denied \\(injected at cleaning\\)\\); `
      + 'it is retried at the next write, or remove it by hand\\n$'));
    expect(run.stdout.trim()).toBe(`${synthesized(out.outdir)} (with 1 warning(s) above)`);
    expect(readTree(out.outdir)).toEqual(NEW);
    expect(fs.readdirSync(out.dir)).toHaveLength(2);

    const next = synth(out.outdir, 'v1');
    expect(next).toMatchObject({ status: 0, stderr: '' });
    expect(readTree(out.outdir)).toEqual(OLD);
    expect(fs.readdirSync(out.dir)).toEqual(['dist']);
  });
});

describe('dist/ as a mount point or a symbolic link', () => {
  (canMount ? test : test.skip)('a mount point is refused, saying what to do; its content is unchanged; a folder inside it works', () => {
    const outdir = out.outdir;
    const saved = readTree(outdir);
    fs.rmSync(outdir, { recursive: true });
    fs.mkdirSync(outdir);
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', outdir);
    try {
      writeAtomically(path.join(outdir, 'render'), saved);
      fs.renameSync(path.join(outdir, 'render', 'alpha'), path.join(outdir, 'alpha'));
      const before = readTree(outdir);
      const run = synth(outdir, 'v2');
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`${unchanged(outdir)}it is a mount point (on another device than its parent folder), `
        + `and a mount point cannot be replaced in one step. Mount its parent folder instead (the checkout, not ${outdir}), `
        + `or write into a folder inside the mount (for synth: RENDER_OUTDIR=${outdir}/render)\n`);
      expect(readTree(outdir)).toEqual(before);

      const inside = synth(path.join(outdir, 'render'), 'v2');
      expect(inside.status).toBe(0);
      expect(readTree(path.join(outdir, 'render'))).toEqual(NEW);
    } finally {
      umount(outdir);
    }
  });

  test('a symbolic link is kept, and a kill after the swap leaves the new render behind it', () => {
    const real = path.join(out.dir, 'checkout', 'dist');
    fs.mkdirSync(path.dirname(real));
    fs.renameSync(out.outdir, real);
    fs.symlinkSync(path.join('checkout', 'dist'), out.outdir);
    const killed = synth(out.outdir, 'v2', { LPD_FAULT_INJECT: 'swapped=kill' });
    expect(killed.signal).toBe('SIGKILL');
    expect(observed(out.outdir)).toBe('new');
    const next = synth(out.outdir, 'v1');
    expect(next.status).toBe(0);
    expect(next.stdout.trim()).toBe(synthesized(out.outdir));
    expect(fs.lstatSync(out.outdir).isSymbolicLink()).toBe(true);
    expect(readTree(real)).toEqual(OLD);
    expect(fs.readdirSync(path.dirname(real))).toEqual(['dist']);
  });
});
