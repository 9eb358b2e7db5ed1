export * from './shared/duration';
export * from './shared/label-selector';
export * from './errors/domain-error';
export * from './events/event-envelope';
export * from './events/application.events';
export * from './application';
export * from './project';
export * from './events/reconcile.events';
export * from './diff';
export * from './health';
export * from './sync';
export * from './events/registry.events';
export * from './events/project.events';
export * from './reconcile';
export * from './rollback';
export * from './events/event-catalog';
export * from './events/aggregate';
export {
  clusterAggregate,
  decideCluster,
  decideRepository,
  repositoryAggregate,
  type ClusterCommand,
  type ClusterRegistration,
  type RegistrationState,
  type RepositoryCommand,
  type RepositoryRegistration,
} from './registry/registry.aggregates';
