import { execFileSync } from 'node:child_process';

/** Runs `git` in `cwd` and returns its trimmed stdout; throws with git's stderr on failure. */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): string {
  try {
    return execFileSync('git', args, {
      cwd,
      input: options.input,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    }).replace(/\n$/, '');
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || (error as Error).message}`);
  }
}

/** Options of one git invocation. */
export interface GitOptions {
  /** Standard input. @default - none */
  readonly input?: string;
  /** Extra environment variables. @default - the process environment only */
  readonly env?: Record<string, string>;
}

/** The commit a ref points to, or undefined when it does not exist. */
export function tryRevParse(cwd: string, ref: string): string | undefined {
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

/** Every file of a commit's tree (path → content), in path order; empty for no commit. */
export function readCommitTree(cwd: string, commit: string | undefined): Map<string, string> {
  const files = new Map<string, string>();
  if (commit === undefined) return files;
  const entries = git(cwd, ['ls-tree', '-r', '-z', '--full-tree', commit]).split('\0').filter((e) => e !== '')
    .map((entry) => {
      const [meta, file] = entry.split('\t');
      return { file, blob: meta.split(' ')[2] };
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (entries.length === 0) return files;
  // One `cat-file --batch` for all blobs: "<oid> blob <size>\n<content>\n" each.
  const output = execFileSync('git', ['cat-file', '--batch'], {
    cwd, input: entries.map((e) => e.blob).join('\n') + '\n', maxBuffer: 256 * 1024 * 1024,
  });
  let offset = 0;
  for (const { file } of entries) {
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(output.subarray(offset, headerEnd).toString('utf8').split(' ')[2]);
    files.set(file, output.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    offset = headerEnd + 1 + size + 1;
  }
  return files;
}
