// Runs the project's ESLint (eslint.config.mjs) through its Node API, outside jest: jest's module runtime cannot
// load an ES-module config. Reads { probes: { <file>: <code> }, paths: [<file>] } as JSON on stdin, with files
// relative to the repository root; prints { rules: { <file>: [<ruleId>] }, ignored: { <file>: boolean } }.
// Probe files exist only in memory, so they are type-checked in typescript-eslint's default project (the rules are
// the project's); that also spares loading the whole tsconfig program for a few lines.
const path = require('path');
const { ESLint } = require('eslint');

async function main() {
  const root = path.join(__dirname, '..', '..');
  const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const probes = Object.keys(input.probes ?? {});
  const eslint = new ESLint({ cwd: root });
  const probeLinter = new ESLint({
    cwd: root,
    overrideConfig: {
      files: probes,
      languageOptions: { parserOptions: { projectService: { allowDefaultProject: probes }, tsconfigRootDir: root } },
    },
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
