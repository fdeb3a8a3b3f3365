'use strict';
// The entry the cdk8s CLI loads for `validations:` in cdk8s.yaml. The CLI loads plugins with a plain
// require(), so this file is JavaScript. It loads the plugin compiled by `npm run synth`
// (scripts/synth.cjs) when that build matches the sources, else the TypeScript through tsx's
// CommonJS API (scoped to this require: the rest of the CLI loads modules as before).
const fs = require('node:fs');
const path = require('node:path');
const { cacheDir, fingerprint } = require('../../scripts/synth.cjs');

function compiledPlugin() {
  const cache = cacheDir({});
  const compiled = path.join(cache, 'js', 'lib', 'cdk8s-plugin', 'manifest-validation.js');
  const stamp = path.join(cache, 'fingerprint');
  const fresh = fs.existsSync(compiled) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint();
  return fresh ? compiled : undefined;
}

const compiled = compiledPlugin();
module.exports = compiled ? require(compiled) : require('tsx/cjs/api').require('./manifest-validation.ts', __filename);
