import { TargetCheck } from './target-check';

/** No two objects of a target may share API group, kind, namespace and name: one would overwrite the other. */
export const checkDuplicateObjects: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    if (object.id.kind === '' || object.id.name === '') continue;
    const first = index.find(object.id.group, object.id.kind, object.id.namespace, object.id.name);
    if (first && first !== object) {
      report(object, 'metadata.name', 'ref/duplicate-object',
        `${object.label} is already defined by ${first.subject.source}; allowed: one object per group, kind, namespace and name`);
    }
  }
};
