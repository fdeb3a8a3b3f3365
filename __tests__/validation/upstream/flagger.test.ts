import { simulateCanaryWeights } from '../../../lib/validation/checks/flagger';
import { FLAGGER_CASES } from './flagger/cases';
import { expectUpstreamVerdict } from './upstream-case';

/** Flagger's own test cases (see flagger/cases.ts): the engine's verdict equals upstream's for each. */
test('the Flagger cases are ported, valid and invalid ones', () => {
  expect(FLAGGER_CASES.length).toBeGreaterThanOrEqual(15);
  expect(FLAGGER_CASES.filter((c) => c.upstream !== 'valid').length).toBeGreaterThanOrEqual(5);
  expect(new Set(FLAGGER_CASES.map((c) => `${c.file} ${c.test}`)).size).toBe(FLAGGER_CASES.length);
});

test.each(FLAGGER_CASES.map((c) => [`${c.file} ${c.test}`, c] as const))('%s', (_, c) => expectUpstreamVerdict(c));

// scheduler_svc_test.go testServicePromotion asserts the primary weights Flagger sets on the way; the replay must agree.
test.each<[string, number, number[], number, boolean]>([
  ['TestScheduler_ServicePromotionMaxWeight', 50, [], 100, true],
  ['TestScheduler_ServicePromotionWithWeightsHappyCase', 0, [1, 2, 10, 80], 0, true],
  ['TestScheduler_ServicePromotionWithWeightsOverflow', 0, [1, 2, 10, 200], 0, true],
  ['stepWeight 0 never shifts traffic', 0, [], 50, false],
  ['decreasing stepWeights stall', 0, [10, 5], 0, false],
  ['repeated stepWeights stall', 0, [10, 10, 20], 0, false],
  ['maxWeight above 100 is never reached', 10, [], 150, false],
])('Flagger weight replay: %s', (_, stepWeight, stepWeights, maxWeight, promotes) => {
  expect(simulateCanaryWeights(stepWeight, stepWeights, maxWeight) === undefined).toBe(promotes);
});
