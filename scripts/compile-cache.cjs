'use strict';
/**
 * Start-up of the compiled app for scripts/synth.cjs and of the validate bundle (scripts/validate.cjs): a V8 code
 * cache for every CommonJS module they load, and stack traces mapped to the TypeScript sources only when one is
 * formatted.
 *
 * Why: compiling the ~400 modules of a synth (7 MB of JavaScript: cdk8s-plus-28 alone brings 2.7 MB) and, with
 * `process.setSourceMapsEnabled(true)`, reading and decoding the source map of every one of them at load time
 * (cdk8s and cdk8s-plus-28 carry theirs inline) were about a third of a warm `npm run synth`. Node 22 has
 * `module.enableCompileCache()`, used when present; on node 20 this file does the same with `vm.Script`'s cached data.
 *
 * The cache is one file (`<dir>/code-cache.bin`) and its index (`<dir>/code-cache.json`): per module its path, a
 * SHA-1 of its source, and where its data lies in the file; the whole file's SHA-1 is checked before use, so a
 * missing, truncated or corrupt cache only costs a normal compile. V8 itself rejects data of another node version
 * or flags. The cache is rewritten (to a temporary file, then renamed) only when some module was not in it, or when a
 * run compiled many more of a module's functions than the cache holds (GROWTH).
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/**
 * A module's code cache is rewritten when a run's code for it is this much larger than the cached one. Measured on the
 * validate bundle: 373 KB after a one-file run, 606 KB after a 20,000-object one; a 20,000-object run took 0.15-0.2 s
 * less with the larger cache (7 interleaved pairs, twice: its functions deserialized instead of compiled on first call).
 */
const GROWTH = 1.125;

const sha1 = (data) => crypto.createHash('sha1').update(data).digest('base64');

/** The index and data of a previous run, or an empty cache when there is none or it does not check out. */
function readCache(indexFile, dataFile) {
  try {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    const data = fs.readFileSync(dataFile);
    if (index.node !== process.version || index.sha1 !== sha1(data)) return { modules: {}, data: undefined };
    return { modules: index.modules, data };
  } catch {
    return { modules: {}, data: undefined };
  }
}

/** The `require` a module gets, as Node's own loader builds it. */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Compiles every CommonJS module loaded from now on with the code cache in `dir` (created when missing). */
function enableCodeCache(dir) {
  fs.mkdirSync(dir, { recursive: true });
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(dir);
    return;
  }
  const indexFile = path.join(dir, 'code-cache.json');
  const dataFile = path.join(dir, 'code-cache.bin');
  const cache = readCache(indexFile, dataFile);
  const compiled = [];
  let missed = false;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename, format) {
    // ES modules loaded through require() (cel-js) take Node's own path.
    if (format === 'module') return compile.call(this, content, filename, format);
    const hash = sha1(content);
    const entry = cache.modules[filename];
    const cachedData = entry && entry.sha1 === hash && cache.data ? cache.data.subarray(entry.start, entry.end) : undefined;
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) missed = true;
    compiled.push({ filename, hash, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    try {
      // What each module's code is now: the functions compiled while running included (a few ms in all). Rewritten
      // when a module missed, or when this run compiled many functions the cache lacks (its code grew by more than
      // GROWTH): a first run on a small input must not leave every larger run compiling the rest lazily. A run that
      // compiled no more leaves the cache as it is, so it converges on the largest runs.
      const now = compiled.map(({ filename, hash, script }) => ({ filename, hash, data: script.createCachedData() }));
      const grown = now.some(({ filename, data }) => {
        const entry = cache.modules[filename];
        return entry !== undefined && data.length > (entry.end - entry.start) * GROWTH;
      });
      if (missed || grown) writeCache(indexFile, dataFile, now);
    } catch {
      // A cache that cannot be written only costs the next run a normal compile.
    }
  });
}

/** Writes the code of every module compiled in this run (functions compiled while running included). */
function writeCache(indexFile, dataFile, compiled) {
  const modules = {};
  const parts = [];
  let offset = 0;
  for (const { filename, hash, data } of compiled) {
    modules[filename] = { sha1: hash, start: offset, end: offset + data.length };
    offset += data.length;
    parts.push(data);
  }
  const data = Buffer.concat(parts);
  const suffix = `.${process.pid}.tmp`;
  fs.writeFileSync(dataFile + suffix, data);
  fs.writeFileSync(indexFile + suffix, JSON.stringify({ node: process.version, sha1: sha1(data), modules }));
  // The index is renamed last: a reader that sees the new index also sees its data (or finds the hash wrong).
  fs.renameSync(dataFile + suffix, dataFile);
  fs.renameSync(indexFile + suffix, indexFile);
}

/**
 * Maps the stack frames of compiled files under `jsRoot` to their TypeScript sources (the `.js.map` beside each),
 * reading a map only when a stack trace names its file; every other frame is written as V8 writes it.
 */
function mapStackTraces(jsRoot) {
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      let map;
      try {
        map = new Module.SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(file, map);
    }
    return maps.get(file);
  };
  const root = jsRoot + path.sep;
  Error.prepareStackTrace = (error, callSites) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return header + callSites.map((callSite) => `\n    at ${mappedFrame(callSite, root, mapOf)}`).join('');
  };
}

function mappedFrame(callSite, root, mapOf) {
  const text = `${callSite}`;
  const file = callSite.getFileName();
  if (typeof file !== 'string' || !file.startsWith(root)) return text;
  const map = mapOf(file);
  const line = callSite.getLineNumber();
  const column = callSite.getColumnNumber();
  const entry = map?.findEntry(line - 1, column - 1);
  if (!entry?.originalSource) return text;
  const source = entry.originalSource.startsWith('file://')
    ? require('node:url').fileURLToPath(entry.originalSource)
    : path.resolve(path.dirname(file), entry.originalSource);
  const location = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(location);
  if (at === -1) return text;
  return `${text.slice(0, at)}${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(at + location.length)}`;
}

module.exports = { enableCodeCache, mapStackTraces };
