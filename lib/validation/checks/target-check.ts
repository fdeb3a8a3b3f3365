import { ValidateOptions } from '../model';
import { Report, TargetIndex } from '../target-index';

/** A check over all objects of one target. */
export type TargetCheck = (index: TargetIndex, report: Report, options: ValidateOptions) => void;
