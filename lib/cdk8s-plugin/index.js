'use strict';
// The entry the cdk8s CLI loads for `validations:` in cdk8s.yaml. The CLI loads plugins with a plain
// require(), so this file is JavaScript and loads the TypeScript plugin through tsx's CommonJS API
// (scoped to this require: it does not change how the rest of the CLI loads modules).
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./manifest-validation.ts', __filename);
