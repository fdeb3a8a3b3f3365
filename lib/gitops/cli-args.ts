/** Command-line options shared by `npm run render` and `npm run diff`. */
export interface RenderCliArgs {
  /** `--branch <name>`. @default - 'rendered' */
  readonly branch?: string;
  /** `--remote <name|url>`. @default - no remote */
  readonly remote?: string;
  /** `--allow-vanished-targets` (render only). */
  readonly allowVanishedTargets: boolean;
  /** `--allow-dirty` (render only). */
  readonly allowDirty: boolean;
  /** `--allow-rollback` (render only). */
  readonly allowRollback: boolean;
  /** `--format text|json|markdown` (diff only). @default 'text' */
  readonly format?: RenderDiffFormat;
  /** `--fail-on-widened-access` (diff only): exit 4 when the change widens access. */
  readonly failOnWidenedAccess?: boolean;
}

/** How `npm run diff` prints: for people, for programs, or for a pull-request comment. */
export type RenderDiffFormat = 'text' | 'json' | 'markdown';
const FORMATS: readonly RenderDiffFormat[] = ['text', 'json', 'markdown'];

/** Which flags a command accepts. */
export type RenderCommand = 'render' | 'diff';

const FLAGS: Record<RenderCommand, readonly string[]> = {
  render: ['--branch', '--remote', '--allow-vanished-targets', '--allow-dirty', '--allow-rollback'],
  diff: ['--branch', '--remote', '--format', '--fail-on-widened-access'],
};

/** Parses `argv` (without node and script); throws a usage message on anything unknown. */
export function parseRenderArgs(command: RenderCommand, argv: readonly string[]): RenderCliArgs {
  const args: { -readonly [K in keyof RenderCliArgs]: RenderCliArgs[K] } = { allowVanishedTargets: false, allowDirty: false, allowRollback: false };
  const usage = `usage: npm run ${command} -- ${FLAGS[command].map((f) => (f === '--branch' ? '[--branch <name>]'
    : f === '--remote' ? '[--remote <name|url>]' : f === '--format' ? '[--format text|json|markdown]' : `[${f}]`)).join(' ')}`;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!FLAGS[command].includes(flag)) throw new Error(`unknown argument "${argv[i]}"\n${usage}`);
    if (flag === '--allow-vanished-targets') args.allowVanishedTargets = true;
    else if (flag === '--allow-dirty') args.allowDirty = true;
    else if (flag === '--allow-rollback') args.allowRollback = true;
    else if (flag === '--fail-on-widened-access') args.failOnWidenedAccess = true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
      if (flag === '--branch') args.branch = value;
      else if (flag === '--format') {
        if (!FORMATS.includes(value as RenderDiffFormat)) throw new Error(`--format "${value}" is invalid; allowed: ${FORMATS.join(', ')}\n${usage}`);
        args.format = value as RenderDiffFormat;
      } else args.remote = value;
    }
  }
  return args;
}
