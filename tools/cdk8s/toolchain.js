'use strict';
/**
 * The cdk8s CLI is a development tool (imports, `cdk8s synth`), not something synthesis needs, and brings
 * about 200 packages: it lives in its own locked package, tools/cdk8s-cli, installed on first use with
 * `npm ci` from the npm registry. The install goes to a scratch folder renamed into place, so concurrent
 * first uses (jest workers) never see a half-installed tree.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TOOLCHAIN_DIR = path.resolve(__dirname, '..', 'cdk8s-cli');
const MODULES_DIR = path.join(TOOLCHAIN_DIR, 'node_modules');

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(MODULES_DIR, name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function lockedVersion(name) {
  const lock = JSON.parse(fs.readFileSync(path.join(TOOLCHAIN_DIR, 'package-lock.json'), 'utf8'));
  return lock.packages[`node_modules/${name}`].version;
}

/** Installs tools/cdk8s-cli exactly as locked, unless it already is. */
function ensureToolchain() {
  if (installedVersion('cdk8s-cli') === lockedVersion('cdk8s-cli') && installedVersion('ts-node') === lockedVersion('ts-node')) return;
  const scratch = fs.mkdtempSync(path.join(TOOLCHAIN_DIR, '.install-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(TOOLCHAIN_DIR, file), path.join(scratch, file));
    process.stderr.write(`Installing the pinned cdk8s CLI ${lockedVersion('cdk8s-cli')} into tools/cdk8s-cli (first use only)...\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch, stdio: ['ignore', 'ignore', 'inherit'] });
    // Another process may have installed it meanwhile (and be using it): then keep theirs.
    if (installedVersion('cdk8s-cli') === lockedVersion('cdk8s-cli') && installedVersion('ts-node') === lockedVersion('ts-node')) return;
    fs.rmSync(MODULES_DIR, { recursive: true, force: true });
    try {
      fs.renameSync(path.join(scratch, 'node_modules'), MODULES_DIR);
    } catch (error) {
      if (installedVersion('cdk8s-cli') !== lockedVersion('cdk8s-cli')) throw error;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The cdk8s CLI's entry script, installed if needed. */
function cdk8sCliBin() {
  ensureToolchain();
  return path.join(MODULES_DIR, 'cdk8s-cli', 'bin', 'cdk8s');
}

/** ts-node's entry script (the stock cdk8s app command the benchmark compares with), installed if needed. */
function tsNodeBin() {
  ensureToolchain();
  return path.join(MODULES_DIR, 'ts-node', 'dist', 'bin.js');
}

/**
 * The environment every run of the CLI gets: no check for a newer cdk8s-cli. The check downloads from
 * registry.npmjs.org on every command; offline (or behind a mirror) it prints a Node stack trace and
 * "A new version undefined", and the version here is pinned on purpose anyway.
 */
function cdk8sCliEnv(env = process.env) {
  return { ...env, CDK8S_CHECK_UPGRADE: env.CDK8S_CHECK_UPGRADE ?? 'false' };
}

module.exports = { cdk8sCliBin, cdk8sCliEnv, ensureToolchain, tsNodeBin, TOOLCHAIN_DIR };
