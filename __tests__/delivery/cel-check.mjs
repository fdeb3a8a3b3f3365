// Evaluates the CRDs' x-kubernetes-validations (CEL) rules on rendered objects.
// stdin: JSON [{ manifest, schema }]; stdout: JSON list of problems.
import { evaluate } from '@marcbachmann/cel-js';

function problems(schema, value, at) {
  if (schema === undefined || value === undefined) return [];
  const found = [];
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    // Transition rules (oldSelf) only apply to updates; a rendered object is created.
    if (rule.includes('oldSelf')) continue;
    // The API server escapes the CEL keyword "namespace" as __namespace__; this CEL library
    // does not take an indexed field in has() (`has(a[0].b)`), the equivalent `'b' in a[0]` it does.
    const expression = rule.replace(/__namespace__/g, 'namespace')
      .replace(/has\(([^()]*\[[^()]*)\.(\w+)\)/g, "('$2' in $1)");
    let result;
    try {
      result = evaluate(expression, { self: value });
    } catch (error) {
      result = `error: ${error.message}`;
    }
    if (result !== true) found.push(`${at}: ${message ?? rule} (${String(result)})`);
  }
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...problems(schema.items, item, `${at}[${i}]`)));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) found.push(...problems(schema.properties?.[key], child, `${at}.${key}`));
  }
  return found;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const result = JSON.parse(input).flatMap(({ manifest, schema }) =>
  problems(schema, manifest, '').map((p) => `${manifest.kind} ${manifest.metadata.name}: ${p}`));
process.stdout.write(JSON.stringify(result));
