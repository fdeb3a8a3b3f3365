import { CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { qualifiedNameError } from '../syntax/names';
import { asArray, asObject } from '../values';
import { TargetCheck } from './target-check';

/** ValidateNamespace / validateFinalizerName: spec.finalizers are qualified names ("kubernetes" is the standard one). */
export const checkNamespaces: TargetCheck = (index, report) => {
  for (const namespace of index.ofKind(CORE, 'Namespace')) {
    asArray(asObject(namespace.manifest.spec)?.finalizers).forEach((finalizer, i) => {
      const error = typeof finalizer === 'string' ? qualifiedNameError(finalizer) : undefined;
      if (error) report(namespace, fieldPath('spec.finalizers', i), 'core/finalizer', `finalizer ${error}`);
    });
  }
};
