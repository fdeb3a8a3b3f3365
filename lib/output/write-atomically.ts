import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `outdir` with exactly `files` (relative path → content), or leaves it as it was.
 *
 * Everything is written to a sibling `<outdir>.next` first and swapped in with renames, so a
 * failure while writing never leaves a half-written or emptied `outdir` behind (which Argo CD
 * with pruning would read as "delete everything that is missing"). When `outdir` is a symbolic
 * link, the folder it points to is replaced and the link kept. Scratch folders left by a run that
 * was killed are removed first; if it was killed between the two renames, its previous output is
 * put back before anything else happens.
 */
export function writeAtomically(outdir: string, files: ReadonlyMap<string, string>): void {
  const target = resolveLink(path.resolve(outdir));
  const next = `${target}.next`;
  const previous = `${target}.prev`;
  restorePrevious(target, previous);
  fs.rmSync(next, { recursive: true, force: true });
  fs.rmSync(previous, { recursive: true, force: true });
  try {
    for (const [file, content] of files) {
      const full = path.join(next, file);
      if (!full.startsWith(next + path.sep)) throw new Error(`refusing to write ${file}: it is outside ${outdir}`);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
    fs.mkdirSync(next, { recursive: true });
    if (fs.existsSync(target)) fs.renameSync(target, previous);
    fs.renameSync(next, target);
  } catch (error) {
    restorePrevious(target, previous);
    throw error;
  } finally {
    fs.rmSync(next, { recursive: true, force: true });
    fs.rmSync(previous, { recursive: true, force: true });
  }
}

/** The path a symbolic link finally points to (it need not exist yet); any other path as it is. */
function resolveLink(file: string): string {
  let resolved = file;
  for (let hops = 0; fs.lstatSync(resolved, { throwIfNoEntry: false })?.isSymbolicLink(); hops++) {
    if (hops === 40) throw new Error(`${file}: too many levels of symbolic links`);
    resolved = path.resolve(path.dirname(resolved), fs.readlinkSync(resolved));
  }
  return resolved;
}

/** Puts `previous` back when `target` is missing: the state between the two renames. */
function restorePrevious(target: string, previous: string): void {
  if (!fs.existsSync(target) && fs.existsSync(previous)) fs.renameSync(previous, target);
}

/** Reads every file below `dir` into the same shape `writeAtomically` takes; empty when `dir` does not exist. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  for (const file of entries) files.set(file, fs.readFileSync(path.join(dir, file), 'utf8'));
  return files;
}
