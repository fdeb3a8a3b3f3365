import { buildInProgress, userFrameOf } from './user-code';

/** A guard from {@link guardEarlyExit}. */
export interface ExitGuard {
  /** The command finished (and reported what it did): exiting is fine from now on. */
  finish(): void;
}

/**
 * Makes an exit before the command finished fail loudly: user code that calls `process.exit(0)` while the
 * app is built would otherwise end synthesis with exit code 0 having written nothing. The guard prints what
 * happened (the user's frame that called exit, the chart being built) and `left` (what became of the output),
 * and turns exit code 0 into `failureCode`.
 */
export function guardEarlyExit(command: string, left: () => string, failureCode = 1): ExitGuard {
  const onExit = (code: number) => {
    // 'exit' listeners run inside process.exit(), so this stack still holds the caller's frame.
    const { stack } = new Error();
    const caller = userFrameOf(stack);
    const building = buildInProgress(stack);
    console.error(`${command} did not finish: the process exited with code ${code}${caller ? ` (process.exit called at ${caller})` : ''}`
      + `${building ? `: ${building}` : ''}; ${left()}`);
    if (!code) process.exitCode = failureCode;
  };
  process.on('exit', onExit);
  return { finish: () => process.off('exit', onExit) };
}
