import {
  applicationAggregate,
  applicationStreamId,
  DEFAULT_APP_NAMESPACE,
  DomainError,
  kubernetesEventOf,
  type KubeObject,
  type KubernetesEvent,
} from '@berth/domain';
import { fieldSelectorOf, type KubeCluster } from '@berth/kube';
import { Injectable } from '@nestjs/common';
import { DestinationClusters } from '../clusters/destination-clusters';
import { SchedulerContext } from '../scheduler.context';
import { AppMembership, type InvolvedObject } from './app-membership';

/** Argo CD's `ApplicationResourceEventsQuery` (the query string of `GET .../events`). */
export interface ResourceEventsQuery {
  resourceName?: string;
  resourceNamespace?: string;
  resourceUID?: string;
  appNamespace?: string;
  project?: string;
}

/** Kubernetes' `EventList` as Argo CD's API answers it: the list's metadata and the events. */
export interface EventList {
  metadata: { resourceVersion?: string };
  items: Array<KubernetesEvent | KubeObject>;
}

/** The app's own events listed: the newest ones, as Kubernetes keeps only recent Events. */
const APP_EVENTS_LISTED = 1000;

/**
 * Argo CD's ListResourceEvents (server/application/application.go):
 * - no resource named: the events of the Application itself. Argo CD lists the Events its controller and
 *   server record on the Application resource; Berth's Application is not a Kubernetes object, so these
 *   are its event log, each event as the Event Argo CD would have recorded (`kubernetesEventOf`);
 * - a resource named (`resourceName`/`resourceUID`, in `resourceNamespace`): the destination cluster's
 *   Events about it, when it is part of the application (Argo CD: in the app's resource tree; Berth: what
 *   the app deployed, or owned by it through ownerReferences, or tracked by it), else 400 as Argo CD's
 *   `InvalidArgument "<name> not found as part of application <app>"`.
 */
@Injectable()
export class ResourceEventsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
  ) {}

  async list(name: string, query: ResourceEventsQuery): Promise<EventList> {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const namespace = record.manifest.metadata.namespace ?? DEFAULT_APP_NAMESPACE;
    const project = (record.manifest.spec as { project?: string }).project || 'default';
    // Argo CD's clients repeat where the app is; another namespace or project names another app.
    if (query.appNamespace && query.appNamespace !== namespace)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found in namespace "${query.appNamespace}"`,
      );
    if (query.project && query.project !== project)
      throw new DomainError('NotFound', `application "${name}" not found in project "${query.project}"`);
    if (!query.resourceName && !query.resourceUID) return this.applicationEvents(name, namespace);
    const destination = (record.manifest.spec as { destination?: { server?: string; name?: string } })
      .destination;
    return this.clusters.read(destination ?? {}, `list the events of ${describe(query)}`, (cluster) =>
      this.resourceEvents(cluster, name, query),
    );
  }

  private async applicationEvents(name: string, namespace: string): Promise<EventList> {
    const streamId = applicationStreamId(name);
    const version = (await this.ctx.store.streamVersion(streamId)) ?? 0;
    const events = await this.ctx.store.readStream(streamId, Math.max(1, version - APP_EVENTS_LISTED + 1));
    const last = events[events.length - 1];
    return {
      metadata: last ? { resourceVersion: last.position.toString() } : {},
      items: events.map((event) => kubernetesEventOf({ name, namespace }, event)),
    };
  }

  private async resourceEvents(
    cluster: KubeCluster,
    app: string,
    query: ResourceEventsQuery,
  ): Promise<EventList> {
    const terms: Record<string, string> = {};
    if (query.resourceName) terms['involvedObject.name'] = query.resourceName;
    if (query.resourceUID) terms['involvedObject.uid'] = query.resourceUID;
    // Argo CD selects on the namespace even when it is empty: events of cluster-scoped objects.
    terms['involvedObject.namespace'] = query.resourceNamespace ?? '';
    const events = await cluster.list(
      {
        apiVersion: 'v1',
        kind: 'Event',
        ...(query.resourceNamespace ? { namespace: query.resourceNamespace } : {}),
      },
      { fieldSelector: fieldSelectorOf(terms), allNamespaces: !query.resourceNamespace },
    );
    if (events.length === 0) return { metadata: {}, items: [] };
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(app));
    const owned = new AppMembership(cluster, app, new Set(state.inventory));
    const items: KubeObject[] = [];
    for (const event of events) {
      if (await owned.includes(involvedObjectOf(event))) items.push(event);
    }
    if (items.length === 0)
      throw new DomainError('Invalid', `${describe(query)} not found as part of application ${app}`);
    return { metadata: {}, items };
  }
}

function involvedObjectOf(event: KubeObject): InvolvedObject {
  const ref = (event as unknown as { involvedObject?: Partial<InvolvedObject> }).involvedObject ?? {};
  return {
    apiVersion: ref.apiVersion ?? '',
    kind: ref.kind ?? '',
    name: ref.name ?? '',
    namespace: ref.namespace ?? '',
  };
}

function describe(query: ResourceEventsQuery): string {
  const name = query.resourceName || `uid ${query.resourceUID ?? ''}`;
  return query.resourceNamespace ? `${name} (namespace ${query.resourceNamespace})` : name;
}
