/**
 * Approximates RE2 (the regex engine of Envoy/Linkerd and Go) with JavaScript: constructs JavaScript accepts but RE2
 * rejects are reported, and the rest must compile as a JavaScript regex. Supported: everything common to both
 * (classes, quantifiers, groups, named groups (?P<n>...) and (?<n>...), non-capturing groups, leading inline flags).
 * Not modelled: RE2's repetition limit of 1000, Unicode class names JavaScript lacks, and inline flags mid-pattern.
 */
const RE2_UNSUPPORTED: ReadonlyArray<readonly [RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookaround assertions ((?=, (?!, (?<=, (?<!)'],
  [/\\[1-9]|\\k</, 'backreferences (\\1, \\k<name>)'],
  [/\(\?>/, 'atomic groups ((?>...))'],
  [/[*+?}]\+/, 'possessive quantifiers (*+, ++, ?+)'],
];

export function re2Error(pattern: string): string | undefined {
  const withoutEscapedBackslashes = pattern.replace(/\\\\/g, '');
  for (const [construct, description] of RE2_UNSUPPORTED) {
    if (construct.test(withoutEscapedBackslashes)) {
      return `regular expression ${JSON.stringify(pattern)} uses ${description}, which RE2 does not support`;
    }
  }
  try {
    re2ToJavaScript(pattern);
    return undefined;
  } catch (error) {
    return `regular expression ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`;
  }
}

/**
 * The JavaScript RegExp for an RE2 pattern (leading inline flags become RegExp flags, `(?P<n>` becomes `(?<n>`), for
 * evaluating what RE2 would match; throws when JavaScript cannot compile it. `extraFlags` are added (e.g. `g`).
 */
export function re2ToJavaScript(pattern: string, extraFlags = ''): RegExp {
  // Leading flags, also right after the start anchor (`^(?i)…`, as the Gateway API's GRPCRoute service rule writes it).
  const flags = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
  const body = (flags ? flags[1] + pattern.slice(flags[0].length) : pattern).replace(/\(\?P</g, '(?<');
  const inline = flags === null ? '' : ['i', 'm', 's'].filter((f) => flags[2].includes(f)).join('');
  return new RegExp(body, inline + extraFlags);
}
