/**
 * Validates Kubernetes YAML the way the render pipeline does.
 *
 *   node scripts/validate.cjs [--format json|text] [--server envtest|kubeconfig[=<context>]] <dir|file...>
 *
 * Each directory is one target, each file its own target. Exit code 0 when clean, 1 when there are problems,
 * 2 on a usage error (also: no YAML found), 3 on an internal error (one line; DEBUG=1 prints the stack).
 * With --server the verdict is the API server's (server-side dry runs), see validate-server.ts.
 * Targets larger than 16 MiB are validated in parts, with bounded memory (lib/validation/validate-files.ts);
 * `$VALIDATE_PARTS_ABOVE_BYTES` sets that size (0: every target).
 * Targets are validated on this thread and one more per idle core when the input is large enough
 * (lib/validation/validate-threads.ts); `$VALIDATE_THREADS` sets the number of threads (1: this thread only).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import {
  explainYaml11Readings, formatProblem, isValidationWorker, loadManifestFiles, onThreads, validateManifestFilesAsync, ValidationProblem,
} from '../lib/validation';
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

  if (server !== undefined) return serverVerdict(server, paths, format);
  const validateEach = onThreads({ threads: threads(), workerScript: workerScript(), waitingWorkers: waitingWorkers() });
  const validated = await validateManifestFilesAsync(paths, { partsAboveBytes: partsAboveBytes() }, validateEach);
  if (validated.directoriesWithoutYaml.length > 0) return noYamlIn(validated.directoriesWithoutYaml);
  if (validated.documents === 0 && validated.problems.length === 0) return usageError(`no YAML documents in ${paths.join(', ')}`);
  return print(validated.problems, validated.objects, validated.targets, format);
}

/** `$VALIDATE_PARTS_ABOVE_BYTES`: from what size a target is validated in parts (lib/validation/validate-files.ts). */
function partsAboveBytes(): number | undefined {
  const value = process.env.VALIDATE_PARTS_ABOVE_BYTES;
  return value === undefined || value === '' || !Number.isFinite(Number(value)) ? undefined : Number(value);
}

/** `$VALIDATE_THREADS`: threads to validate on, this one included (lib/validation/validate-threads.ts). */
function threads(): number | undefined {
  const value = Number(process.env.VALIDATE_THREADS);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** scripts/validate.cjs when it launched this run: a worker then loads the bundle as this thread did (with its code cache). */
function workerScript(): string | undefined {
  const launcher = require.main?.filename;
  return launcher !== undefined && path.basename(launcher) === 'validate.cjs' ? launcher : undefined;
}

/** The waiting workers scripts/validate.cjs started for this run, before it loaded this bundle (none without it). */
function waitingWorkers(): Worker[] {
  return workerScript() === undefined ? [] : (require.main?.exports as { waitingWorkers?: Worker[] }).waitingWorkers ?? [];
}

async function serverVerdict(server: ServerMode, paths: readonly string[], format: string): Promise<number> {
  const loaded = loadManifestFiles(paths);
  if (loaded.directoriesWithoutYaml.length > 0) return noYamlIn(loaded.directoriesWithoutYaml);
  if (loaded.documents === 0 && loaded.problems.length === 0) return usageError(`no YAML documents in ${paths.join(', ')}`);
  let judged: ValidationProblem[];
  try {
    judged = await validateWithServer(server, loaded.targets);
  } catch (error) {
    if (error instanceof ServerModeUnavailable) return usageError(error.message);
    throw error;
  }
  const problems = explainYaml11Readings([...loaded.problems, ...judged], loaded.yaml11Readings);
  const objects = loaded.targets.reduce((count, target) => count + target.subjects.length, 0);
  return print(problems, objects, loaded.targets.length, format);
}

function noYamlIn(directories: readonly string[]): number {
  return usageError(`no YAML files (*.yaml, *.yml, searched recursively) in ${directories.join(', ')}`);
}

function print(problems: readonly ValidationProblem[], objects: number, targets: number, format: string): number {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  } else {
    for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    process.stdout.write(`${plural(objects, 'object')} in ${plural(targets, 'target')}: ${plural(problems.length, 'problem')}\n`);
  }
  return problems.length > 0 ? 1 : 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

function internalError(error: unknown): number {
  const debug = process.env.DEBUG !== undefined && process.env.DEBUG !== '' && process.env.DEBUG !== '0';
  const line = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  process.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : `validate.ts: internal error: ${line} (DEBUG=1 shows the stack)\n`);
  return 3;
}

// In a worker thread of the threaded validation, this bundle only serves (lib/validation/validate-threads.ts).
if (!isValidationWorker()) {
  // Handlers rather than a try block, so that they also catch what an async main rejects with.
  process.on('uncaughtException', (error) => {
    process.exitCode = internalError(error);
  });
  process.on('unhandledRejection', (error) => {
    process.exitCode = internalError(error);
  });

  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.exitCode = internalError(error);
  });
}
