import { PropProblems } from '../common';
import { HeaderMatch, regexProblem } from './http-route-match';

/** How a {@link GrpcMethodMatch} compares the request's service and method. */
export enum GrpcMethodMatchType {
  EXACT = 'Exact',
  REGULAR_EXPRESSION = 'RegularExpression',
}

/** The Gateway API's rules for Exact service and method names (CEL validations of GRPCRoute v1). */
const SERVICE_NAME = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const METHOD_NAME = /^[A-Za-z_][A-Za-z_0-9]*$/;
const MAX_LENGTH = 1024;

/**
 * Which gRPC calls a GRPCRoute match selects, by the fully qualified service name
 * (`<proto package>.<service>`, e.g. `emojivoto.v1.VotingService`) and the method name
 * (`Vote`), the two halves of the request path `/<service>/<method>`.
 */
export class GrpcMethodMatch {
  /** One method of one service (the Gateway API's core support). */
  public static exact(service: string, method: string): GrpcMethodMatch {
    return new GrpcMethodMatch(GrpcMethodMatchType.EXACT, service, method);
  }

  /** Every method of one service. */
  public static service(service: string): GrpcMethodMatch {
    return new GrpcMethodMatch(GrpcMethodMatchType.EXACT, service, undefined);
  }

  /**
   * Services and/or methods matching RE2 regular expressions (Gateway API: implementation-specific).
   * Linkerd does not implement it: its policy controller ignores a GRPCRoute with such a match, so a
   * `GrpcRoute` refuses it and says what to write instead; it exists for routes other implementations serve.
   */
  public static regex(patterns: { readonly service?: string; readonly method?: string }): GrpcMethodMatch {
    return new GrpcMethodMatch(GrpcMethodMatchType.REGULAR_EXPRESSION, patterns.service, patterns.method);
  }

  private constructor(
    public readonly type: GrpcMethodMatchType,
    public readonly service: string | undefined,
    public readonly method: string | undefined,
  ) {}

  /** `service/method` as the request path spells it, `*` for an unset half. */
  public toString(): string {
    return `${this.service ?? '*'}/${this.method ?? '*'}`;
  }

  /** @internal */
  public _render(problems: PropProblems): { type: string; service?: string; method?: string } {
    if (this.service === undefined && this.method === undefined) {
      problems.invalid('gRPC method match', '{}', 'a service and/or a method');
    }
    if (this.type === GrpcMethodMatchType.REGULAR_EXPRESSION) {
      if (this.service !== undefined) problems.add(regexProblem('gRPC service regex', this.service, MAX_LENGTH));
      if (this.method !== undefined) problems.add(regexProblem('gRPC method regex', this.method, MAX_LENGTH));
    } else {
      if (this.service !== undefined && (this.service.length > MAX_LENGTH || !SERVICE_NAME.test(this.service))) {
        problems.invalid('gRPC service', this.service, 'a fully qualified protobuf service name of at most 1024 characters: '
          + 'dot-separated identifiers of letters, digits and "_", each not starting with a digit (e.g. emojivoto.v1.VotingService)');
      }
      if (this.method !== undefined && (this.method.length > MAX_LENGTH || !METHOD_NAME.test(this.method))) {
        problems.invalid(`gRPC method of ${this.service}`, this.method,
          'a protobuf method name of at most 1024 letters, digits and "_", not starting with a digit (e.g. ListAll)');
      }
    }
    return { type: this.type, service: this.service, method: this.method };
  }
}

/** One way a gRPC call can match a GRPCRoute rule: every given condition must hold. */
export interface GrpcRouteMatch {
  /**
   * The service and method called.
   * @default - any service and method
   */
  readonly method?: GrpcMethodMatch;
  /**
   * Request headers (gRPC metadata), each of which must match; names are compared case-insensitively.
   * @default - no header condition
   */
  readonly headers?: HeaderMatch[];
}
