import { IConstruct } from 'constructs';
import { GrpcRoute } from '../grpc-route';
import { HttpRoute } from '../http-route';
import { IMeshService } from '../mesh-service';

/** Outbound HttpRoutes and GrpcRoutes of the whole app whose parent is this Service (same name and namespace). */
export function outboundRoutesOf(scope: IConstruct, service: IMeshService): Array<HttpRoute | GrpcRoute> {
  return scope.node.root.node.findAll()
    .filter((c): c is HttpRoute | GrpcRoute => (c instanceof HttpRoute || c instanceof GrpcRoute) && c.parent.service !== undefined)
    .filter((route) => sameService(route.parent.service!, service));
}

/** Whether two Service constructs render the same object. */
export function sameService(a: IMeshService, b: IMeshService): boolean {
  return a.name === b.name && a.metadata.namespace === b.metadata.namespace;
}
