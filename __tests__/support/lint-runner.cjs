// Runs the project's ESLint (eslint.config.mjs) through its Node API, outside jest: jest's module runtime cannot
// load an ES-module config. Reads { probes: { <file>: <code> }, paths: [<file>] } as JSON on stdin, with files
// relative to the repository root; prints { rules: { <file>: [<ruleId>] }, ignored: { <file>: boolean } }.
// Probe files exist only in memory. Their type information (for the typed rules) comes from a program of the probes
// alone, with tsconfig.json's compiler options; the rules are the project's. The project service would open
// tsconfig.json for a path in lib/ and parse the whole project (imports/ included) for a few lines: about 10 s of CPU.
const path = require('path');
const { ESLint } = require('eslint');
const ts = require('typescript');

/** A program of the in-memory probes (absolute path to code), with the compiler options of the project's tsconfig.json. */
function probeProgram(root, probes) {
  const configHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, configHost);
  const options = { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    probes.has(file) ? ts.createSourceFile(file, probes.get(file), language, true) : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => probes.has(file) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (probes.has(file) ? probes.get(file) : readFile(file));
  return ts.createProgram([...probes.keys()], options, host);
}

async function main() {
  const root = path.join(__dirname, '..', '..');
  const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const probes = Object.keys(input.probes ?? {});
  const eslint = new ESLint({ cwd: root });
  const program = probeProgram(root, new Map(Object.entries(input.probes ?? {}).map(([file, code]) => [path.join(root, file), code])));
  const probeLinter = new ESLint({
    cwd: root,
    overrideConfig: { files: probes, languageOptions: { parserOptions: { projectService: false, programs: [program] } } },
  });
  const rules = {};
  for (const [file, code] of Object.entries(input.probes ?? {})) {
    const [result] = await probeLinter.lintText(code, { filePath: path.join(root, file) });
    rules[file] = result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
  }
  const ignored = {};
  for (const file of input.paths ?? []) ignored[file] = await eslint.isPathIgnored(path.join(root, file));
  process.stdout.write(JSON.stringify({ rules, ignored }));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
