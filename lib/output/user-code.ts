import * as path from 'node:path';
import { inspect } from 'node:util';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * This project's own code: a stack frame here, or in node_modules, is not the user's. The type-checked synth runs
 * this file compiled under node_modules/.cache/synth/js with source maps, so its frames name the sources in the
 * repository's lib/: both folders count.
 */
const LIB_DIRS = [
  path.resolve(__dirname, '..'),
  path.resolve(__dirname.replace(/[\\/]node_modules[\\/]\.cache[\\/]synth[\\/]js(?=[\\/])/, ''), '..'),
];

/** The app whose construct tree is being built, so that an early `process.exit` can say where it happened. */
let appInProgress: App | undefined;

/** An exception from user code (a chart's constructor, a construct validation), with where it came from. */
export class UserCodeError extends Error {
  constructor(message: string, readonly thrown: unknown) {
    super(message);
    this.name = 'UserCodeError';
  }
}

/**
 * Runs `build(app)`; when it throws, rethrows a {@link UserCodeError} naming the chart and the construct being
 * built (the construct added last: constructs join the tree when their constructor starts) and the user's own
 * stack frame, whatever was thrown (`throw 'x'` included).
 */
export function buildWithContext(app: App, build: (app: App) => void): void {
  appInProgress = app;
  try {
    build(app);
  } catch (thrown) {
    throw new UserCodeError(`${whereInTree(app, thrown instanceof Error ? thrown.stack : undefined, 'threw')}: ${describeThrown(thrown)}`, thrown);
  } finally {
    appInProgress = undefined;
  }
}

/**
 * Runs a step of user code for one construct (its validations, its rendering); when it throws, rethrows a
 * {@link UserCodeError} naming the construct and the user's stack frame.
 */
export function runForConstruct<T>(construct: IConstruct, what: string, step: () => T): T {
  try {
    return step();
  } catch (thrown) {
    if (thrown instanceof UserCodeError) throw thrown;
    throw new UserCodeError(`[${construct.node.path}] ${what} threw: ${describeThrown(thrown)}`, thrown);
  }
}

/** Where building stands, for a process that exits while the tree is built (`stack`: the exit's); undefined when no tree is being built. */
export function buildInProgress(stack: string | undefined): string | undefined {
  return appInProgress === undefined ? undefined : whereInTree(appInProgress, stack, 'was running');
}

/**
 * `[shop/settings] the constructor of Settings (chart shop) threw`: the construct being built when `stack` was taken.
 * A construct joins the tree when its constructor starts, so it is on the chain of last-added children; the deepest
 * one on that chain whose class has a `new <Class>` frame on the stack is the one whose constructor was running.
 * Without a stack (`throw 'x'`), the construct added last is named, as such.
 */
function whereInTree(app: App, stack: string | undefined, verb: string): string {
  const chain: IConstruct[] = [];
  for (let node: IConstruct = app; node.node.children.length > 0;) chain.push(node = node.node.children[node.node.children.length - 1]);
  if (chain.length === 0) return `the app's build function ${verb} before any chart was added`;
  const chart = chain[0].node.id;
  const constructing = new Set([...(stack ?? '').matchAll(/^\s+at new (\S+) /gm)].map((m) => m[1]));
  const building = [...chain].reverse().find((c) => constructing.has(c.constructor.name));
  if (building !== undefined) return `[${building.node.path}] the constructor of ${building.constructor.name} (chart ${chart}) ${verb}`;
  const last = chain[chain.length - 1];
  const state = verb === 'threw' ? 'threw while being built' : 'was being built';
  return `[${last.node.path}] chart ${chart} ${state} (${last.node.path} is the construct added last)`;
}

/**
 * What was thrown, readably: an Error's name (unless plain `Error`) and message, the frame it was thrown at and
 * the user's own frame; anything else (`throw 'x'`, `throw { code: 1 }`) shown as a value, saying there is no stack.
 */
export function describeThrown(thrown: unknown): string {
  if (!(thrown instanceof Error)) {
    return `${typeof thrown === 'string' ? JSON.stringify(thrown) : inspect(thrown, { depth: 2, breakLength: Infinity })} `
      + `(${thrownKind(thrown)} was thrown, not an Error, so there is no stack; throw new Error(…) to get one)`;
  }
  const text = thrown.name === 'Error' ? thrown.message : `${thrown.name}: ${thrown.message}`;
  const frames = stackFrames(thrown.stack);
  const user = frames.find(isUserFrame);
  const at = frames[0] !== undefined && frames[0] !== user ? `\n    thrown at ${frames[0]}` : '';
  return `${text}${at}${user !== undefined ? `\n    in your code at ${user}` : ''}`;
}

/** `a string`, `an object`, `null`, `undefined`. */
function thrownKind(thrown: unknown): string {
  if (thrown === null || thrown === undefined) return String(thrown);
  return `${/^[aeiou]/.test(typeof thrown) ? 'an' : 'a'} ${typeof thrown}`;
}

/** The first stack frame of `stack` outside node_modules, this project's lib/ and Node itself, as `file:line:column`. */
export function userFrameOf(stack: string | undefined): string | undefined {
  return stackFrames(stack).find(isUserFrame);
}

/** The `file:line:column` of each `at` line of a V8 stack, paths relative to the working directory. */
function stackFrames(stack: string | undefined): string[] {
  return (stack ?? '').split('\n')
    .map((line) => /^\s+at (?:.*? \()?(.+?:\d+:\d+)\)?$/.exec(line)?.[1])
    .filter((frame): frame is string => frame !== undefined)
    .map((frame) => frame.replace(/^file:\/\//, ''))
    .map((frame) => (path.isAbsolute(frame) ? path.relative(process.cwd(), frame) : frame));
}

function isUserFrame(frame: string): boolean {
  const file = path.resolve(frame.replace(/:\d+:\d+$/, ''));
  return !frame.startsWith('node:') && !file.split(path.sep).includes('node_modules')
    && !LIB_DIRS.some((dir) => file.startsWith(dir + path.sep));
}
