import { Environment, ParseResult } from '@marcbachmann/cel-js';
import { createKubernetesCelEnvironment, RE2_MATCHES, supportedFunctionNames } from './cel-environment';

/** A compiled x-kubernetes-validations expression. */
export type CompiledRule =
  | { readonly status: 'ready'; readonly evaluate: (self: unknown) => unknown }
  /** Transition rules compare with the stored object; with no old object they do not apply (the API server skips them on create). */
  | { readonly status: 'transition' }
  | { readonly status: 'unsupported'; readonly reason: string };

/** Compiles CEL expressions once per process and answers whether they can be evaluated here. */
export class CelRuleCompiler {
  public static default(): CelRuleCompiler {
    CelRuleCompiler.shared ??= new CelRuleCompiler(createKubernetesCelEnvironment());
    return CelRuleCompiler.shared;
  }

  private static shared?: CelRuleCompiler;

  private readonly cache = new Map<string, CompiledRule>();
  private readonly functions: ReadonlySet<string>;

  public constructor(private readonly environment: Environment) {
    this.functions = supportedFunctionNames(environment);
  }

  public compile(expression: string): CompiledRule {
    let compiled = this.cache.get(expression);
    if (!compiled) {
      compiled = this.compileUncached(expression);
      this.cache.set(expression, compiled);
    }
    return compiled;
  }

  private compileUncached(expression: string): CompiledRule {
    let parsed: ParseResult;
    try {
      // `.matches(` is only ever the regex function (a field named matches is never called).
      const source = expression.replace(/\.matches\(/g, `.${RE2_MATCHES}(`);
      parsed = this.environment.parse(source);
      const rewritten = rewriteIndexedHas(source, parsed.ast);
      if (rewritten !== source) parsed = this.environment.parse(rewritten);
    } catch (error) {
      return { status: 'unsupported', reason: `cannot parse: ${firstLine(error)}` };
    }
    const identifiers = new Set<string>();
    const calls = new Set<string>();
    collectNames(parsed.ast, identifiers, calls);
    if (identifiers.has('oldSelf')) return { status: 'transition' };
    const unknownVariables = [...identifiers].filter((name) => name !== 'self' && !boundByMacro(parsed.ast, name));
    if (unknownVariables.length > 0) return { status: 'unsupported', reason: `unknown variable ${unknownVariables.join(', ')}` };
    const unknownFunctions = [...calls].filter((name) => !this.functions.has(name));
    if (unknownFunctions.length > 0) return { status: 'unsupported', reason: `function ${unknownFunctions.join(', ')} is not implemented` };
    return { status: 'ready', evaluate: (self) => parsed({ self }) };
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

interface AstNode {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
}

/**
 * cel-js 8 only accepts has() on a field chain rooted at a variable (has(a.b.c)), but CEL allows any operand, and the
 * Gateway API rules use has(self.matches[0].path). Objects are CEL maps here, for which has(e.f) means exactly
 * 'f' in e, so such calls are rewritten to that form.
 */
function rewriteIndexedHas(expression: string, ast: unknown): string {
  const replacements: Array<{ start: number; end: number; text: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isAstNode(node)) return;
    if (node.op === 'call' && Array.isArray(node.args) && node.args[0] === 'has' && Array.isArray(node.args[1])) {
      const operand = node.args[1][0];
      if (isAstNode(operand) && operand.op === '.' && Array.isArray(operand.args) && !isFieldChain(operand)) {
        const [object, field] = operand.args as [AstNode, string];
        replacements.push({ start: node.start, end: node.end, text: `(${JSON.stringify(field)} in ${expression.slice(object.start, object.end)})` });
        return;
      }
    }
    visit(node.args);
  };
  visit(ast);
  return replacements.reduceRight((text, r) => text.slice(0, r.start) + r.text + text.slice(r.end), expression);
}

function isFieldChain(node: AstNode): boolean {
  if (node.op === 'id') return true;
  return node.op === '.' && Array.isArray(node.args) && isAstNode(node.args[0]) && isFieldChain(node.args[0]);
}

function isAstNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string';
}

/** Collects free identifiers and called function names from a cel-js AST ({op, args} nodes). */
function collectNames(node: unknown, identifiers: Set<string>, calls: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectNames(child, identifiers, calls);
    return;
  }
  if (!isAstNode(node)) return;
  if (node.op === 'id' && typeof node.args === 'string') identifiers.add(node.args);
  if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && typeof node.args[0] === 'string') calls.add(node.args[0]);
  collectNames(node.args, identifiers, calls);
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** True when a name is the loop variable of a comprehension macro (all, exists, exists_one, map, filter). */
function boundByMacro(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((child) => boundByMacro(child, name));
  if (!isAstNode(node)) return false;
  if (node.op === 'rcall' && Array.isArray(node.args) && COMPREHENSIONS.has(node.args[0]) && Array.isArray(node.args[2])) {
    const first = node.args[2][0];
    if (isAstNode(first) && first.op === 'id' && first.args === name) return true;
  }
  return boundByMacro(node.args, name);
}
