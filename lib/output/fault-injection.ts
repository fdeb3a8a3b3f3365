import * as fs from 'node:fs';

/**
 * Deterministic fault injection for the fault tests (__tests__/output/faults.test.ts); TEST-ONLY.
 *
 * `LPD_FAULT_INJECT=<point>[=<action>][,<point>=<action>…]` makes the writer (and render) act at a
 * named point: `kill` (the default) sends the process SIGKILL, `enospc` / `erofs` / `eacces` throw the
 * error the system would, `pause:<ms>` sleeps, `barrier:<file>` creates `<file>.reached` and waits (up to 120 s)
 * until `<file>` exists, so a test can act while the process stands at the point. Points that change
 * behaviour instead (`exchange=unsupported`) are read with {@link injectedFault}. Unset, each point
 * costs one environment lookup. Never set it outside tests.
 */

/** The places a fault can be injected, in the order a write passes them. */
export type FaultPoint =
  | 'lock-acquired' // the output lock is held, nothing written yet
  | 'writing' // half of the files are in the scratch folder
  | 'written' // every file is in the scratch folder, the output untouched
  | 'exchange' // just before the swap (action `unsupported`: behave as if the OS had no atomic exchange)
  | 'between-renames' // fallback swap only: the output is renamed away, the new render not yet in place
  | 'swapped' // the new render is in place, the previous one not yet removed
  | 'cleaning' // part of the previous render is removed
  | 'render-committed'; // npm run render: the commit exists, no branch moved yet

const ERRORS: Record<string, [string, string]> = {
  enospc: ['ENOSPC', 'no space left on device'],
  erofs: ['EROFS', 'read-only file system'],
  eacces: ['EACCES', 'permission denied'],
};

/** The action injected at `point`, if any. */
export function injectedFault(point: FaultPoint): string | undefined {
  const spec = process.env.LPD_FAULT_INJECT;
  if (!spec) return undefined;
  for (const entry of spec.split(',')) {
    const [name, action] = entry.trim().split(/=(.*)/s, 2);
    if (name === point) return action || 'kill';
  }
  return undefined;
}

/** Acts on the fault injected at `point`, if any (see the module comment). */
export function faultPoint(point: FaultPoint): void {
  const action = injectedFault(point);
  if (action === undefined) return;
  if (action === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    sleep(10_000); // SIGKILL is delivered asynchronously; never run past the point.
  } else if (action.startsWith('pause:')) {
    sleep(Number(action.slice('pause:'.length)));
  } else if (action.startsWith('barrier:')) {
    const file = action.slice('barrier:'.length);
    fs.writeFileSync(`${file}.reached`, `${process.pid}\n`);
    for (const deadline = Date.now() + 120_000; !fs.existsSync(file) && Date.now() < deadline;) sleep(10);
  } else if (ERRORS[action]) {
    const [code, text] = ERRORS[action];
    throw Object.assign(new Error(`${code}: ${text} (injected at ${point})`), { code });
  } else if (action !== 'unsupported') {
    throw new Error(`LPD_FAULT_INJECT: unknown action "${action}" at ${point}; allowed: kill, enospc, erofs, eacces, pause:<ms>, barrier:<file>`);
  }
}

/** Blocks the thread for `ms` milliseconds (the writer is synchronous). */
export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
