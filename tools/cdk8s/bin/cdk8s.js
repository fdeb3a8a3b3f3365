#!/usr/bin/env node
'use strict';
// `npx cdk8s ...` in this project: the pinned CLI (installed on first use), without its update check.
const { cdk8sCliBin, cdk8sCliEnv } = require('../toolchain');

const bin = cdk8sCliBin();
// The CLI reads CDK8S_* options from the environment when it parses its arguments, which happens on load.
Object.assign(process.env, cdk8sCliEnv());
require(bin);
