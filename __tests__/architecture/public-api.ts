/* eslint-disable no-bitwise -- TypeScript's symbol and type flags are bit sets. */
import * as path from 'node:path';
import * as ts from 'typescript';

/** Options of {@link publicApiProblems}. */
export interface PublicApiOptions {
  /** Folders whose declarations are the project's own: a type declared there must be exported to be used publicly. */
  readonly ownDirs: readonly string[];
  /** @default - this repository's compiler options (tsconfig.json) */
  readonly compilerOptions?: ts.CompilerOptions;
}

/** The compiler options of the repository at `root` (its tsconfig.json). */
export function repositoryCompilerOptions(root: string): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  return { ...parsed!.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
}

function isInternal(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
}

/**
 * Problems of the public API of `indexFile`, one line each (empty when none): an exported declaration marked
 * `@internal`, and a declared type of the project's own folders that an exported signature uses (a parameter, a return
 * type, a property, a base class or interface, a type argument, an inferred type) but the index does not export, so a
 * user can call the API but cannot name what it takes or returns. Members marked `@internal`, private members and
 * function bodies are not part of the API. Namespaces the index exports (`export * as legacy`) count with their members.
 */
export function publicApiProblems(indexFile: string, options: PublicApiOptions): string[] {
  const program = ts.createProgram([indexFile], options.compilerOptions ?? {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, esModuleInterop: true, skipLibCheck: true, types: [],
  });
  const checker = program.getTypeChecker();
  const ownDirs = options.ownDirs.map((dir) => path.resolve(dir) + path.sep);
  const isOwn = (declaration: ts.Declaration): boolean => ownDirs.some((dir) => path.resolve(declaration.getSourceFile().fileName).startsWith(dir));
  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const index = program.getSourceFile(indexFile);
  if (index === undefined) throw new Error(`${indexFile} is not a TypeScript file of the program`);

  // What users can name: the index's exports, and the members of the namespaces it exports.
  const exported = new Map<ts.Symbol, string>();
  const addExports = (module: ts.Symbol, prefix: string): void => {
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = resolve(symbol);
      if (exported.has(target)) continue;
      exported.set(target, `${prefix}${symbol.name}`);
      if (target.flags & ts.SymbolFlags.ValueModule && target.declarations?.some(ts.isSourceFile)) addExports(target, `${prefix}${symbol.name}.`);
    }
  };
  addExports(checker.getSymbolAtLocation(index)!, '');

  const problems = new Set<string>();
  const relative = (file: string): string => path.relative(process.cwd(), file).split(path.sep).join('/');
  const requireExported = (symbol: ts.Symbol | undefined, where: string): void => {
    if (symbol === undefined) return;
    const target = resolve(symbol);
    if (target.flags & ts.SymbolFlags.TypeParameter || exported.has(target)) return;
    const declaration = target.declarations?.[0];
    if (declaration === undefined || !isOwn(declaration) || ts.isSourceFile(declaration)) return;
    // A member of an exported enum or namespace is reachable through its parent.
    const parent = (target as ts.Symbol & { parent?: ts.Symbol }).parent;
    if (parent !== undefined && exported.has(resolve(parent))) return;
    const file = relative(declaration.getSourceFile().fileName);
    problems.add(`${where} uses ${target.name} (${file}), which ${path.basename(indexFile)} does not export`);
  };

  /** The declared types a type node names. */
  const visitTypeNode = (node: ts.Node | undefined, where: string): void => {
    if (node === undefined) return;
    if (ts.isTypeReferenceNode(node)) requireExported(checker.getSymbolAtLocation(node.typeName), where);
    else if (ts.isExpressionWithTypeArguments(node)) requireExported(checker.getSymbolAtLocation(node.expression), where);
    else if (ts.isTypeQueryNode(node)) requireExported(checker.getSymbolAtLocation(node.exprName), where);
    else if (ts.isImportTypeNode(node) && node.qualifier !== undefined) requireExported(checker.getSymbolAtLocation(node.qualifier), where);
    ts.forEachChild(node, (child) => visitTypeNode(child, where));
  };

  /** The declared types an inferred type is made of (no annotation to read). */
  const visitType = (type: ts.Type, where: string, depth = 0): void => {
    if (depth > 3) return;
    if (type.aliasSymbol !== undefined) requireExported(type.aliasSymbol, where);
    if (type.isUnionOrIntersection()) return type.types.forEach((t) => visitType(t, where, depth + 1));
    const symbol = type.getSymbol();
    if (symbol !== undefined && !(symbol.flags & (ts.SymbolFlags.TypeLiteral | ts.SymbolFlags.ObjectLiteral))) requireExported(symbol, where);
    if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      checker.getTypeArguments(type as ts.TypeReference).forEach((t) => visitType(t, where, depth + 1));
    }
  };

  const visitSignature = (node: ts.SignatureDeclaration, where: string): void => {
    node.typeParameters?.forEach((p) => { visitTypeNode(p.constraint, where); visitTypeNode(p.default, where); });
    for (const parameter of node.parameters) {
      if (parameter.type !== undefined) visitTypeNode(parameter.type, where);
      else visitType(checker.getTypeAtLocation(parameter), where);
    }
    if (node.type !== undefined) visitTypeNode(node.type, where);
    else if (!ts.isConstructorDeclaration(node)) {
      const signature = checker.getSignatureFromDeclaration(node);
      if (signature !== undefined) visitType(checker.getReturnTypeOfSignature(signature), where);
    }
  };

  const isHidden = (member: ts.Node): boolean => isInternal(member)
    || (ts.canHaveModifiers(member) && (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword))
    || ((member as ts.NamedDeclaration).name !== undefined && ts.isPrivateIdentifier((member as ts.NamedDeclaration).name!));

  const visitMember = (member: ts.Node, where: string): void => {
    if (isHidden(member)) return;
    if (ts.isConstructorDeclaration(member)) {
      visitSignature(member, `${where}.constructor`);
      for (const parameter of member.parameters) {
        if (!ts.isParameterPropertyDeclaration(parameter, member) || isHidden(parameter)) continue;
        visitTypeNode(parameter.type, `${where}.${parameter.name.getText()}`);
      }
      return;
    }
    const name = (member as ts.NamedDeclaration).name?.getText() ?? '(signature)';
    const at = `${where}.${name}`;
    if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member) || ts.isGetAccessorDeclaration(member)
      || ts.isSetAccessorDeclaration(member) || ts.isCallSignatureDeclaration(member) || ts.isConstructSignatureDeclaration(member)
      || ts.isIndexSignatureDeclaration(member)) {
      visitSignature(member, at);
    } else if (ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) {
      if (member.type !== undefined) visitTypeNode(member.type, at);
      else visitType(checker.getTypeAtLocation(member), at);
    }
  };

  for (const [symbol, name] of exported) {
    for (const declaration of symbol.declarations ?? []) {
      if (!isOwn(declaration) || ts.isSourceFile(declaration)) continue;
      const statement = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
      if (isInternal(statement)) problems.add(`${name} is marked @internal but ${path.basename(indexFile)} exports it`);
      if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
        declaration.typeParameters?.forEach((p) => visitTypeNode(p.constraint, name));
        declaration.heritageClauses?.forEach((clause) => clause.types.forEach((t) => visitTypeNode(t, name)));
        (declaration.members as ts.NodeArray<ts.Node>).forEach((member) => visitMember(member, name));
      } else if (ts.isFunctionDeclaration(declaration)) {
        visitSignature(declaration, name);
      } else if (ts.isTypeAliasDeclaration(declaration)) {
        visitTypeNode(declaration.type, name);
      } else if (ts.isVariableDeclaration(declaration)) {
        if (declaration.type !== undefined) visitTypeNode(declaration.type, name);
        else visitType(checker.getTypeAtLocation(declaration), name);
      }
    }
  }
  return [...problems].sort();
}
