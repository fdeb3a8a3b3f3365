/* eslint-disable no-bitwise -- TypeScript's symbol and type flags are bit sets. */
import * as path from 'path';
import * as ts from 'typescript';

/*
 * Issue 12's "every place a Service or a workload is accepted takes the canary's as well", checked by compiling:
 * 1. the fixture hands a CanaryRollout and its Services to every such construct and must type-check;
 * 2. a scan of the exported API finds every constructor prop, method parameter and nested prop type that takes a
 *    cdk8s-plus workload or Service, and requires that it takes a CanaryRollout, resp. any IMeshService (the
 *    interface the canary's Services and every cdk8s-plus Service satisfy), i.e. no concrete class or union.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, '__tests__/support/fixtures/canary-everywhere.ts');
/** A file that exists only in memory: a construct taking concrete classes, which the scan must flag. */
const NEGATIVE = path.join(ROOT, '__tests__/support/virtual-concrete-props.ts');
const NEGATIVE_SOURCE = `
import { Deployment, Service } from 'cdk8s-plus-28';
import { Server } from '../../lib/mesh';
export interface ConcreteProps { readonly workload: Deployment; readonly services: Service[]; readonly server: Server }
export class Concrete { constructor(public readonly props: ConcreteProps) {} }
`;
/** Declares the types the scan compares against, resolved by the same program. */
const PROBE = path.join(ROOT, '__tests__/support/virtual-probe-types.ts');
const PROBE_SOURCE = `
import { CanaryRollout } from '../../lib/delivery';
import { IMeshService, IServer } from '../../lib/mesh';
export declare const canary: CanaryRollout;
export declare const meshService: IMeshService;
export declare const server: IServer;
`;

/** Types that stand for a workload whose pods a construct selects, and for a Service. */
const WORKLOAD_TYPES = ['Workload', 'Deployment', 'StatefulSet', 'DaemonSet', 'AbstractPod', 'MeshedDeployment', 'IServerWorkload', 'CanaryRollout'];
const SERVICE_TYPES = ['Service', 'MeshedService', 'IService', 'IMeshService'];
/** And for a Linkerd Server: every place takes an `IServer`, so a Server imported with `Server.fromServerName` too. */
const SERVER_TYPES = ['Server', 'IServer'];
/**
 * Places where a canary's workload has no meaning, each with why. A Flagger Canary's target is a Deployment Flagger
 * copies and scales (`targetRef` kind Deployment); an Argo Rollout is already progressively delivered, so FlaggerCanary
 * takes a cdk8s-plus Deployment, whose ports and replicas it reads and owns.
 */
const NOT_FOR_A_CANARY = ['FlaggerCanary.constructor(props).deployment: workload'];

function program(): ts.Program {
  const configHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, configHost)!;
  const options = { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
  const host = ts.createCompilerHost(options);
  // As tsc itself parses: JSDoc only where it can matter to types (not in .ts files), about a tenth of the parse.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const virtual = new Map([[NEGATIVE, NEGATIVE_SOURCE], [PROBE, PROBE_SOURCE]]);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language) =>
    virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language) : getSourceFile(file, language);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  const roots = [FIXTURE, NEGATIVE, PROBE, path.join(ROOT, 'lib/mesh/index.ts'), path.join(ROOT, 'lib/delivery/index.ts')];
  return ts.createProgram(roots, options, host);
}

/** Every place of a module's exports that takes a value: constructor and method parameters, and the props inside them. */
function placesOf(checker: ts.TypeChecker, module: ts.SourceFile): Array<{ where: string; type: ts.Type }> {
  const places: Array<{ where: string; type: ts.Type }> = [];
  const seen = new Set<ts.Type>();
  const visit = (where: string, type: ts.Type, depth: number) => {
    places.push({ where, type });
    if (depth > 3 || seen.has(type)) return;
    seen.add(type);
    const element = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    if (element !== undefined) return visit(`${where}[]`, element, depth + 1);
    // Descend into the project's own prop and option interfaces, not into constructs, cdk8s or generated types.
    const declaration = type.getSymbol()?.declarations?.[0];
    const file = declaration?.getSourceFile().fileName ?? '';
    if (declaration === undefined || !ts.isInterfaceDeclaration(declaration) || file.includes('/node_modules/') || file.includes('/imports/')) return;
    if (!/(Props|Options|Backend|Override|Rule)$/.test(declaration.name.text)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      visit(`${where}.${property.name}`, checker.getNonNullableType(checker.getTypeOfSymbol(property)), depth + 1);
    }
  };
  const moduleSymbol = checker.getSymbolAtLocation(module)!;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) continue;
    if (ts.isModuleDeclaration(declaration) || ts.isSourceFile(declaration)) {
      // A namespace export (`legacy`): its own exports.
      for (const inner of checker.getExportsOfModule(symbol)) visitClass(inner);
      continue;
    }
    visitClass(symbol);
  }
  function visitClass(symbol: ts.Symbol) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined || !ts.isClassDeclaration(declaration)) return;
    const members = [...declaration.members].filter((m): m is ts.ConstructorDeclaration | ts.MethodDeclaration =>
      (ts.isConstructorDeclaration(m) || ts.isMethodDeclaration(m))
      && !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
      && !(m.name !== undefined && ts.isIdentifier(m.name) && m.name.text.startsWith('_')));
    for (const member of members) {
      const name = `${symbol.name}.${ts.isConstructorDeclaration(member) ? 'constructor' : (member.name as ts.Identifier).text}`;
      for (const parameter of member.parameters) {
        const type = checker.getNonNullableType(checker.getTypeAtLocation(parameter));
        visit(`${name}(${(parameter.name as ts.Identifier).text})`, type, 0);
      }
    }
  }
  return places;
}

describe('a CanaryRollout and its Services are accepted wherever a workload or a Service is', () => {
  const built = program();
  const checker = built.getTypeChecker();
  const probe = (name: string) => {
    const declaration = checker.getExportsOfModule(checker.getSymbolAtLocation(built.getSourceFile(PROBE)!)!).find((s) => s.name === name)!;
    return checker.getTypeOfSymbol(declaration);
  };
  const [canary, meshService, server] = ['canary', 'meshService', 'server'].map(probe);
  /** The names a place's type is written with (each member of a union). */
  const namesOf = (type: ts.Type): string[] => (type.isUnion() ? type.types : [type])
    .map((t) => (t.aliasSymbol ?? t.getSymbol())?.name ?? checker.typeToString(t));
  /**
   * The places typed with a workload or a Service type (a class, an interface, or a union of them) that do not take a
   * CanaryRollout, resp. any IMeshService (structural look-alikes, e.g. a ServiceAccount, are not places).
   */
  const refusals = (module: string) => placesOf(checker, built.getSourceFile(module)!).flatMap(({ where, type }) => {
    const names = namesOf(type);
    return [
      ...(names.some((n) => WORKLOAD_TYPES.includes(n)) && !checker.isTypeAssignableTo(canary, type) ? [`${where}: workload`] : []),
      ...(names.some((n) => SERVICE_TYPES.includes(n)) && !checker.isTypeAssignableTo(meshService, type) ? [`${where}: Service`] : []),
      ...(names.some((n) => SERVER_TYPES.includes(n)) && !checker.isTypeAssignableTo(server, type) ? [`${where}: Server`] : []),
    ];
  });
  const accepting = (module: string) => placesOf(checker, built.getSourceFile(module)!)
    .filter(({ type }) => namesOf(type).some((n) => [...WORKLOAD_TYPES, ...SERVICE_TYPES, ...SERVER_TYPES].includes(n)))
    .map(({ where }) => where);

  test('the fixture composes a canary with every such construct and type-checks', () => {
    const diagnostics = ts.getPreEmitDiagnostics(built, built.getSourceFile(FIXTURE));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  test('no exported construct of lib/mesh or lib/delivery takes a concrete workload or Service class', () => {
    const found = [...refusals(path.join(ROOT, 'lib/mesh/index.ts')), ...refusals(path.join(ROOT, 'lib/delivery/index.ts'))];
    // The exceptions are found (so the list stays true), and nothing else is.
    expect(found).toEqual(NOT_FOR_A_CANARY);
  });

  test('the scan sees the places that matter (so an empty list above means something)', () => {
    const places = accepting(path.join(ROOT, 'lib/mesh/index.ts'));
    expect(places).toEqual(expect.arrayContaining([
      'Server.constructor(props).workload', 'CircuitBreaker.constructor(props).service', 'HttpBackend.service(service)',
      'RouteParent.service(service)', 'AlbIngress.constructor(props).service', 'FaultInjection.constructor(props).service',
      'TrafficSplit.constructor(props).backends[].service', 'ServiceProfile.constructor(props).dstOverrides[].service',
      'HttpLocalRateLimitPolicy.constructor(props).server', 'ServerAuthorization.constructor(props).server',
    ]));
  });

  test('the scan flags a construct that takes concrete classes', () => {
    expect(refusals(NEGATIVE)).toEqual([
      'Concrete.constructor(props).workload: workload', 'Concrete.constructor(props).services[]: Service',
      'Concrete.constructor(props).server: Server',
    ]);
  });
});
