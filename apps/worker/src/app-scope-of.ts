import type { Application } from '@berth/domain';
import type { AppScope } from '@berth/infra';

/** The labels Argo CD's app metrics take from an Application. */
export function appScopeOf(app: Application): Omit<AppScope, 'name'> {
  return {
    namespace: app.metadata.namespace ?? '',
    project: app.spec.project,
    destServer: app.spec.destination.server ?? '',
  };
}
