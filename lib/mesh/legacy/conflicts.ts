import { IMeshService } from '../mesh-service';
import { IConstruct } from 'constructs';
import { HttpRoute } from '../http-route';

/** Outbound HttpRoutes of the whole app whose parent is this Service (same name and namespace). */
export function outboundRoutesOf(scope: IConstruct, service: IMeshService): HttpRoute[] {
  return scope.node.root.node.findAll()
    .filter((c): c is HttpRoute => c instanceof HttpRoute && c.parent.service !== undefined)
    .filter((route) => sameService(route.parent.service!, service));
}

/** Whether two Service constructs render the same object. */
export function sameService(a: IMeshService, b: IMeshService): boolean {
  return a.name === b.name && a.metadata.namespace === b.metadata.namespace;
}
