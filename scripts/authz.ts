/**
 * Answers whether Linkerd would let one request through, from rendered manifests (offline).
 *
 *   node --import tsx scripts/authz.ts <dir|file...> --to <ns>/<workload>:<port>
 *     (--from <ns>/<serviceaccount> | --from-identity <identity> | --from-network <ip>) [--from-network <ip>]
 *     [--request "<METHOD> <path>" | --grpc <package.Service>/<Method>] [--header <name>:<value>]... [--format text|json]
 *
 * Prints the decision (allow, deny or audit) as the first word, then the reason chain, one reason a line.
 * Exit code: 0 allow, 1 deny, 3 audit (allowed only because an audit policy logs instead of denying), 2 usage error.
 * Without --request or --grpc the question is a plain TCP connection.
 */
import * as fs from 'fs';
import { LinkerdPolicyModel, requestOf, RequestSpec } from '../lib/policy';
import { formatProblem, loadManifestFiles } from '../lib/validation';

const USAGE =
  'usage: authz.ts <dir|file...> --to <ns>/<workload>:<port> (--from <ns>/<serviceaccount> | --from-identity <id> | --from-network <ip>) ' +
  '[--request "<METHOD> <path>" | --grpc <service>/<method>] [--header <name>:<value>]... [--format text|json]';
const EXIT_CODES = { allow: 0, deny: 1, audit: 3 } as const;

/** Where the answer and usage errors go: the process's stdout and stderr, or a test's buffers. */
export interface AuthzOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_OUTPUT: AuthzOutput = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/** Answers one question as the command does; returns its exit code. */
export function authz(argv: readonly string[], output: AuthzOutput = PROCESS_OUTPUT): number {
  try {
    return answer(argv, output);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`${error.message}\n${USAGE}\n`);
    return 2;
  }
}

function answer(argv: readonly string[], output: AuthzOutput): number {
  const paths: string[] = [];
  const spec: { -readonly [K in keyof RequestSpec]?: RequestSpec[K] } = {};
  const headers: Record<string, string> = {};
  let format = 'text';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--from':
        spec.from = value();
        break;
      case '--from-identity':
        spec.fromIdentity = value();
        break;
      case '--from-network':
        spec.fromNetwork = value();
        break;
      case '--to':
        spec.to = value();
        break;
      case '--request':
        spec.http = value();
        break;
      case '--grpc':
        spec.grpc = value();
        break;
      case '--format':
        format = value();
        break;
      case '--header': {
        const [name, ...rest] = value().split(':');
        if (rest.length === 0) throw new UsageError(`header "${name}" is invalid; allowed: <name>:<value>`);
        headers[name.trim()] = rest.join(':').trim();
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (!fs.existsSync(arg)) throw new UsageError(`no such file or directory: ${arg}`);
        paths.push(arg);
    }
  }
  if (format !== 'text' && format !== 'json') throw new UsageError(`format "${format}" is invalid; allowed: text, json`);
  if (paths.length === 0) throw new UsageError('no manifests given (a dist/<target> folder or YAML files)');
  if (spec.to === undefined) throw new UsageError('--to is required');
  const loaded = loadManifestFiles(paths);
  if (loaded.problems.length > 0) throw new UsageError(loaded.problems.map(formatProblem).join('\n'));
  let verdict;
  try {
    const request = requestOf({ ...spec, to: spec.to, headers });
    verdict = new LinkerdPolicyModel(loaded.targets.flatMap((t) => t.subjects.map((s) => s.manifest))).evaluate(request);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (format === 'json') output.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  else output.stdout(`${verdict.decision}\n${verdict.reasons.map((r) => `  ${r}`).join('\n')}\n`);
  return EXIT_CODES[verdict.decision];
}

class UsageError extends Error {}

if (require.main === module) process.exitCode = authz(process.argv.slice(2));
