import { spawn } from 'node:child_process';

/** What spawnSync returns that the tests read: the exit status and both outputs, as text. */
export interface SpawnResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * spawnSync's result, without blocking: a suite starts its independent CLI runs at once (in a beforeAll) and its tests
 * assert on the results, so the runs overlap instead of queueing one after the other.
 */
export function spawnAsync(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
