/**
 * Validates Kubernetes YAML the way the render pipeline does.
 *
 *   node --import tsx scripts/validate.ts [--format json|text] [--server envtest|kubeconfig[=<context>]] <dir|file...>
 *
 * Each directory is one target, each file its own target. Exit code 0 when clean, 1 when there are problems,
 * 2 on a usage error. With --server the verdict is the API server's (server-side dry runs), see validate-server.ts.
 */
import * as fs from 'fs';
import { formatProblem, loadManifestFiles, ValidationProblem, validateTargets } from '../lib/validation';
import { parseServerMode, ServerMode, ServerModeUnavailable, validateWithServer } from './validate-server';

const USAGE = 'usage: validate.ts [--format json|text] [--server envtest|kubeconfig[=<context>]] <dir|file...>';

async function main(argv: readonly string[]): Promise<number> {
  let format = 'text';
  let server: ServerMode | undefined;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--format' || arg.startsWith('--format=')) {
      format = arg === '--format' ? argv[++i] ?? '' : arg.slice('--format='.length);
      if (format !== 'json' && format !== 'text') return usageError(`unknown format "${format}"`);
    } else if (arg === '--server' || arg.startsWith('--server=')) {
      const mode = parseServerMode(arg === '--server' ? argv[++i] ?? '' : arg.slice('--server='.length));
      if (typeof mode === 'string') return usageError(mode);
      server = mode;
    } else if (arg.startsWith('-')) {
      return usageError(`unknown option ${arg}`);
    } else if (!fs.existsSync(arg)) {
      return usageError(`no such file or directory: ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) return usageError('no files or directories given');

  const loaded = loadManifestFiles(paths);
  let judged: ValidationProblem[];
  try {
    judged = server === undefined ? validateTargets(loaded.targets) : await validateWithServer(server, loaded.targets);
  } catch (error) {
    if (error instanceof ServerModeUnavailable) return usageError(error.message);
    throw error;
  }
  const problems = [...loaded.problems, ...judged];
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  } else {
    for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
    const objects = loaded.targets.reduce((count, target) => count + target.subjects.length, 0);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    process.stdout.write(`${plural(objects, 'object')} in ${plural(loaded.targets.length, 'target')}: ${plural(problems.length, 'problem')}\n`);
  }
  return problems.length > 0 ? 1 : 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`validate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 3;
});
