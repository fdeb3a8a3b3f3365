import { ApiObjectMetadataDefinition } from 'cdk8s';
import { PropProblems } from '../common';

/**
 * Adds annotations to another construct's object, refusing to change a key something else already set to another
 * value (the last writer would otherwise win silently, e.g. two RetriesAndTimeouts on one Service). A refused key is
 * recorded in `problems` and then nothing is added; the caller throws them with its other problems.
 */
export function addAnnotationsOnce(
  problems: PropProblems, target: string, metadata: ApiObjectMetadataDefinition, annotations: Record<string, string>,
): void {
  const existing = (metadata.toJson() as { annotations?: Record<string, string> }).annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    const current = existing[key];
    if (current !== undefined && current !== value) {
      problems.invalid(`annotation ${key} on ${target}`, value, `the value it already has, "${current}" (set each setting of an object once)`);
    }
  }
  if (problems.any) return;
  for (const [key, value] of Object.entries(annotations)) metadata.addAnnotation(key, value);
}
