import { CORE } from '../api-groups';
import { fieldPath } from '../field-path';
import { isObject } from '../values';
import { TargetCheck } from './target-check';

/** Credentials that must never be committed in rendered manifests. */
export const CREDENTIAL_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, 'a PEM private key'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/, 'a JSON Web Token'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/, 'a bearer token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
];
/** Text every credential pattern requires; strings without any of it (nearly all) skip the patterns. */
const CREDENTIAL_MARKERS = /-----BEGIN |eyJ|Bearer|AKIA/;
/** The shortest text a pattern matches ("Bearer" + 1 space + 8 token characters); shorter strings (names, labels) are skipped. */
export const SHORTEST_CREDENTIAL = 15;

/**
 * Secrets must come from outside Git (sealed/external secrets), so no Secret may carry data, and no string anywhere
 * may look like a private key or token.
 */
export const checkSecretsAndCredentials: TargetCheck = (index, report) => {
  for (const object of index.objects) {
    if (object.id.group === CORE && object.id.kind === 'Secret') {
      for (const field of ['data', 'stringData']) {
        const value = object.manifest[field];
        if (isObject(value) && Object.keys(value).length > 0) {
          report(object, field, 'safety/secret-data',
            `Secret carries ${field} (${Object.keys(value).sort().join(', ')}); allowed: no data in Git, deliver it with an external secret store or sealed secret`);
        }
      }
    }
    scanStrings(object.manifest, [], (path, description) =>
      report(object, path, 'safety/credential',
        `string looks like ${description}; allowed: no credentials in manifests, reference a Secret managed outside Git`),
    );
  }
};

/** Walks every string, keeping the path as segments and formatting it only for a finding. */
function scanStrings(value: unknown, segments: Array<string | number>, found: (path: string, description: string) => void): void {
  if (typeof value === 'string') {
    if (value.length < SHORTEST_CREDENTIAL || !CREDENTIAL_MARKERS.test(value)) return;
    for (const [pattern, description] of CREDENTIAL_PATTERNS) if (pattern.test(value)) found(fieldPath('', ...segments), description);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      segments.push(i);
      scanStrings(item, segments, found);
      segments.pop();
    });
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      segments.push(key);
      scanStrings(value[key], segments, found);
      segments.pop();
    }
  }
}
