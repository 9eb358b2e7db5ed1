import {
  applicationAggregate,
  applicationStreamId,
  decideApplication,
  DomainError,
  maskSecrets,
  ValidationFailedError,
  type ApplicationCommand,
  type KubeObject,
  type LiveResourceRef,
} from '@berth/domain';
import { parseJsonBounded } from '@berth/infra';
import type { Destination, KubeCluster, KubeRef, PatchType } from '@berth/kube';
import { Injectable } from '@nestjs/common';
import { DestinationClusters } from '../clusters/destination-clusters';
import { bodyTextOf } from '../http/request-pipes';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { unsafeValueIssues } from '../http/storable-value';
import { SchedulerContext } from '../scheduler.context';
import { namedApplication } from '../applications/named-application';
import { AppMembership } from './app-membership';
import { requireResource, type ResourceQuery } from './resource-requests.schema';

/** A live object of an application, found: where it is and what it is now. */
export interface LocatedResource {
  app: string;
  cluster: KubeCluster;
  destination: Destination;
  ref: KubeRef & { apiVersion: string };
  resource: LiveResourceRef;
  live: KubeObject;
}

/** Argo CD's `ApplicationResourceResponse`: the live object as a JSON string. */
export interface ApplicationResourceResponse {
  manifest: string;
}

/**
 * The live objects of an application, for Argo CD's resource requests (GetResource, PatchResource,
 * DeleteResource, and the resource actions): only objects that belong to the app (deployed by it and not
 * pruned, tracked by it, or owned by such an object: AppMembership) are reachable; anything else is a 404,
 * so the API never reads or changes an object of the cluster that is not the app's. Every change is
 * recorded in the app's stream with who asked and why, then a refresh is queued to show the new state.
 */
@Injectable()
export class LiveResourcesService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
  ) {}

  /**
   * Argo CD's check of a change of one resource (server/application/application.go getAppLiveResource): the
   * first of `actions` the caller holds on `<project>/<app>` lets it through, else 403 naming the last (the
   * finest). An application that does not exist is `*`/<app>, as PermissionGuard judges it.
   */
  async authorize(who: RequestActor, name: string, actions: readonly string[]): Promise<void> {
    const object = `${(await this.ctx.applications.projectOf(name)) ?? '*'}/${name}`;
    for (const action of actions.slice(0, -1))
      if ((await this.ctx.authorizer.decide(who.identity, 'applications', action, object)).allowed) return;
    await this.ctx.authorizer.assert(who.identity, 'applications', actions[actions.length - 1]!, object);
  }

  /** The object the request names, if it belongs to the app; 404 otherwise (and when it does not exist). */
  async locate(name: string, query: ResourceQuery, request: string): Promise<LocatedResource> {
    const wanted = requireResource(query, request);
    const record = await namedApplication(this.ctx, name, query);
    const spec = record.manifest.spec as { project?: string; destination?: Destination };
    const destination = spec.destination ?? {};
    const described = describe(wanted);
    return this.clusters.read(destination, `read ${described}`, async (cluster) => {
      const apiVersion = wanted.version
        ? wanted.group
          ? `${wanted.group}/${wanted.version}`
          : wanted.version
        : (await cluster.typeOf({ group: wanted.group, kind: wanted.kind, name: wanted.name })).apiVersion;
      const ref = {
        apiVersion,
        kind: wanted.kind,
        name: wanted.name,
        ...(wanted.namespace ? { namespace: wanted.namespace } : {}),
      };
      const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(name));
      const members = new AppMembership(cluster, name, new Set(state.inventory));
      const notPart = () =>
        new DomainError('NotFound', `${described} not found as part of application ${name}`);
      if (
        !(await members.includes({
          apiVersion,
          kind: wanted.kind,
          name: wanted.name,
          namespace: wanted.namespace,
        }))
      )
        throw notPart();
      const live = await cluster.get(ref);
      if (!live) throw notPart();
      const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
      return { app: name, cluster, destination, ref, resource: { ...wanted, version }, live };
    });
  }

  /** Argo CD's GetResource: the live object, a Secret's values masked as the manifests route masks them. */
  async get(name: string, query: ResourceQuery): Promise<ApplicationResourceResponse> {
    const { live } = await this.locate(name, query, 'Resource request');
    return answerOf(live);
  }

  /** Argo CD's PatchResource: the patch as given (merge, JSON or strategic), the patched object answered. */
  async patch(
    name: string,
    query: ResourceQuery,
    body: unknown,
    patchType: PatchType,
    who: RequestActor,
  ): Promise<ApplicationResourceResponse> {
    const patch = patchOfBody(body, patchType);
    const r = requireResource(query, 'Resource patch request');
    // Argo CD 3: `update` on the app, or the fine-grained `update/<group>/<kind>/<ns>/<name>`.
    await this.authorize(who, name, ['update', `update/${r.group}/${r.kind}/${r.namespace}/${r.name}`]);
    const found = await this.locate(name, query, 'Resource patch request');
    await this.ctx.queues.assertAvailable();
    const patched = await this.write(found, 'patch', (cluster) => cluster.patch(found.ref, patch, patchType));
    await this.recordChange(
      name,
      { type: 'RecordResourcePatch', patch: { resource: found.resource, patchType } },
      who,
    );
    return answerOf(patched);
  }

  /** Argo CD's DeleteResource: Foreground by default, `orphan` leaves the dependents, `force` skips the grace period. */
  async delete(
    name: string,
    query: ResourceQuery & { force?: string; orphan?: string },
    who: RequestActor,
  ): Promise<Record<string, never>> {
    const force = query.force === 'true';
    const orphan = query.orphan === 'true';
    if (force && orphan)
      throw new ValidationFailedError('Resource delete request', undefined, [
        {
          path: 'force',
          message: 'cannot be combined with orphan',
          fix: 'pass one of force=true and orphan=true',
        },
      ]);
    const r = requireResource(query, 'Resource delete request');
    await this.authorize(who, name, ['delete', `delete/${r.group}/${r.kind}/${r.namespace}/${r.name}`]);
    const found = await this.locate(name, query, 'Resource delete request');
    await this.ctx.queues.assertAvailable();
    const propagationPolicy = orphan ? 'Orphan' : force ? 'Background' : 'Foreground';
    await this.write(found, 'delete', (cluster) =>
      cluster.delete(found.ref, { propagationPolicy, ...(force ? { gracePeriodSeconds: 0 } : {}) }),
    );
    await this.recordChange(
      name,
      { type: 'RecordResourceDeletion', deletion: { resource: found.resource, propagationPolicy, force } },
      who,
    );
    return {};
  }

  /** A change the cluster refused is a 400 with its message (403 when it forbade it), unreachable a 503. */
  write<T>(found: LocatedResource, verb: string, fn: (cluster: KubeCluster) => Promise<T>): Promise<T> {
    return this.clusters.read(found.destination, `${verb} ${describe(found.resource)}`, () =>
      fn(found.cluster),
    );
  }

  /** Records a change of a live object in the app's stream (who and why), then asks for a refresh. */
  async recordChange(name: string, command: ApplicationCommand, who: RequestActor): Promise<void> {
    await this.ctx.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (state) => decideApplication(command, state),
      metadataOf(who),
    );
    await this.ctx.queues.requestRefresh({ application: name, hard: false, reason: 'resource-changed' });
  }
}

function answerOf(live: KubeObject): ApplicationResourceResponse {
  // Masked as one side of a diff with nothing to compare: every value the same mask, as GET .../manifests.
  return { manifest: JSON.stringify(maskSecrets(live, undefined).desired) };
}

/**
 * The patch of a PatchResource body: Argo CD's clients send it as a JSON string holding the patch
 * (grpc-gateway `body: "patch"`); the patch itself as JSON is accepted too. A merge or strategic patch is
 * an object, a JSON patch a list of operations.
 */
function patchOfBody(body: unknown, patchType: PatchType): unknown {
  const refuse = (message: string): never => {
    throw new ValidationFailedError('Resource patch request', undefined, [
      {
        path: 'patch',
        message,
        fix:
          patchType === 'json'
            ? 'send a JSON patch, e.g. [{"op":"replace","path":"/spec/replicas","value":2}]'
            : 'send a JSON object, e.g. {"spec":{"replicas":2}}, or that object as a JSON string',
      },
    ]);
  };
  const text = bodyTextOf(body).trim();
  if (text === '') return refuse('is required');
  let value: unknown;
  try {
    value = parseJsonBounded(text);
    if (typeof value === 'string') value = parseJsonBounded(value);
  } catch (error) {
    return refuse(`is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const unsafe = unsafeValueIssues(value);
  if (unsafe.length > 0) throw new ValidationFailedError('Resource patch request', undefined, unsafe);
  if (
    patchType === 'json'
      ? !Array.isArray(value)
      : typeof value !== 'object' || value === null || Array.isArray(value)
  )
    return refuse(
      patchType === 'json' ? 'a JSON patch is a list of operations' : `a ${patchType} patch is a JSON object`,
    );
  return value;
}

function describe(r: { group: string; kind: string; namespace: string; name: string }): string {
  return `${r.kind} ${r.group} ${r.name}${r.namespace ? ` (namespace ${r.namespace})` : ''}`;
}
