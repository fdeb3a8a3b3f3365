/**
 * SIGKILL at every named point of a synth (LPD_FAULT_INJECT, lib/output/fault-injection.ts), with the atomic exchange
 * and with the two-rename fallback. The invariant (ARCHITECTURE.md, "What a reader of dist/ can observe"): a reader
 * that knows nothing of this project finds the old or the new complete render, never a mix; with two renames the one
 * exception is the instant between them, which leaves dist/ missing and dist.prev complete. The next synth then
 * needs no manual step, takes over the dead process's lock without waiting, and says what it did.
 */
import * as fs from 'node:fs';
import { readTree } from '../../lib/output';
import { NEW, OLD, observed, synth, synthesized, useOutputFolder, write } from '../support/fault-harness';

const out = useOutputFolder();
jest.setTimeout(300_000);

type Case = [point: string, seen: 'old' | 'new' | 'missing'];
const EXCHANGE: Case[] = [
  ['lock-acquired', 'old'], ['writing', 'old'], ['written', 'old'], ['exchange', 'old'], ['swapped', 'new'], ['cleaning', 'new'],
];
const TWO_RENAMES: Case[] = [['written', 'old'], ['between-renames', 'missing'], ['swapped', 'new'], ['cleaning', 'new']];

describe.each<[string, string, Case[]]>([
  ['the atomic exchange', '', EXCHANGE],
  ['two renames (no exchange on this system)', 'exchange=unsupported,', TWO_RENAMES],
])('killed during a synth that swaps with %s', (_, mode, cases) => {
  test.each(cases)('at %s: a reader sees the %s render; the next synth completes without help', (point, seen) => {
    const killed = write(out.outdir, NEW, { LPD_FAULT_INJECT: `${mode}${point}=kill` });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toBe('');
    expect(observed(out.outdir)).toBe(seen);
    if (seen === 'missing') expect(readTree(`${out.outdir}.prev`)).toEqual(OLD);
    // The killed process's lock is still there: the next synth finds its pid gone and takes it over at once.
    expect(fs.existsSync(`${out.outdir}.lock`)).toBe(true);

    const next = synth(out.outdir, 'v2', mode === '' ? {} : { LPD_FAULT_INJECT: 'exchange=unsupported' });
    expect(next.status).toBe(0);
    expect(next.stderr).not.toContain('Waiting');
    if (seen === 'missing') {
      expect(next.stderr).toBe(`warning: ${out.outdir} was missing (a write was killed while swapping); `
        + `its previous content was put back from ${out.outdir}.prev\n`);
      expect(next.stdout.trim()).toBe(`${synthesized(out.outdir)} (with 1 warning(s) above)`);
    } else {
      expect(next.stderr).toBe('');
      expect(next.stdout.trim()).toBe(synthesized(out.outdir));
    }
    expect(readTree(out.outdir)).toEqual(NEW);
    expect(fs.readdirSync(out.dir)).toEqual(['dist']);
  });
});
