/**
 * The review reports of N services, in one render target or in targets of 100, timed in a fresh process:
 *   node --import tsx scripts/bench/review-run.ts <services> <services per target>
 * Prints one JSON line: the objects and the milliseconds reviewReports() took (reports are linear in the size of
 * a target when one target of 1,000 services costs about what ten targets of 100 cost).
 */
import { App } from 'cdk8s';
import { renderTargets } from '../../lib/output';
import { reviewReports } from '../../lib/review';
import { buildFleet } from './fleet';

const [services, perTarget] = process.argv.slice(2).map(Number);
const app = new App({ outdir: '.cdk8s.out' });
buildFleet(app, services, perTarget);
const targets = renderTargets(app);
const start = performance.now();
const reports = reviewReports(targets);
const reviewMs = performance.now() - start;
console.log(JSON.stringify({ objects: targets.reduce((n, t) => n + t.objects.length, 0), targets: targets.length, reports: reports.size, reviewMs }));
