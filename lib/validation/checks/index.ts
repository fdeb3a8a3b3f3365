import { TargetCheck } from './target-check';

/** The checks run on every target after schema validation, in reporting order. */
export const TARGET_CHECKS: readonly TargetCheck[] = [];
