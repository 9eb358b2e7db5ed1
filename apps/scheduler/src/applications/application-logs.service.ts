import {
  applicationAggregate,
  applicationStreamId,
  DomainError,
  groupOf,
  type KubeObject,
} from '@berth/domain';
import type { KubeCluster } from '@berth/kube';
import { Injectable } from '@nestjs/common';
import { PassThrough } from 'node:stream';
import { DestinationClusters } from '../clusters/destination-clusters';
import { SchedulerContext } from '../scheduler.context';
import { namedApplication } from './named-application';
import { AppMembership } from '../resources/app-membership';
import { logEntryOf, lastLogEntry, matchesLogFilter, splitTimestamp, type LogEntry } from './log-entry';

/** Argo CD's ApplicationPodLogsQuery, checked by LOGS_QUERY. */
export interface LogsQuery {
  podName?: string;
  container?: string;
  namespace?: string;
  sinceSeconds?: string;
  'sinceTime.seconds'?: string;
  'sinceTime.nanos'?: string;
  tailLines?: string;
  follow?: string;
  previous?: string;
  matchCase?: string;
  filter?: string;
  kind?: string;
  group?: string;
  resourceName?: string;
  appNamespace?: string;
  project?: string;
}

/** Argo CD's `server.maxPodLogsToRender` default: more pods than this is a request to narrow the query. */
const MAX_PODS = 10;

/** Where the entries of a log answer go; resolves once written (the socket has room again). */
export type LogSink = (entry: LogEntry) => Promise<void>;

/** A prepared log answer: run it to write the entries, stop it when the client leaves. */
export interface LogRun {
  done: Promise<void>;
  stop: () => void;
}

/**
 * Argo CD's PodLogs (server/application/application.go): the logs of the Pods of an application, read from
 * its destination cluster with timestamps, each line an entry naming its Pod, filtered by `filter`, and a
 * last entry (`last: true`) when every log has ended. Only Pods that belong to the app (deployed by it, or
 * owned through ownerReferences by what it deployed) are read; `podName`, or `kind`/`group`/`resourceName`,
 * narrow them to one Pod or to the Pods of one resource.
 */
@Injectable()
export class ApplicationLogsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly clusters: DestinationClusters,
  ) {}

  /** Finds the Pods and refuses what Argo CD refuses, before the answer starts. */
  async prepare(name: string, query: LogsQuery): Promise<(sink: LogSink) => LogRun> {
    const record = await namedApplication(this.ctx, name, query);
    const spec = record.manifest.spec as {
      project?: string;
      destination?: { server?: string; name?: string; namespace?: string };
    };
    if (query.sinceSeconds && query['sinceTime.seconds'])
      throw new DomainError('Invalid', 'sinceSeconds and sinceTime: give at most one of them');
    const destination = spec.destination ?? {};
    const cluster = await this.clusters.forDestination(destination);
    const pods = await this.clusters.read(destination, `list the pods of application ${name}`, () =>
      this.selectedPods(cluster, name, destination.namespace, query),
    );
    if (pods.length > MAX_PODS)
      throw new DomainError(
        'Invalid',
        'max pods to view logs are reached. Please provide more granular query',
      );
    return (sink) => this.run(cluster, pods, query, sink);
  }

  private async selectedPods(
    cluster: KubeCluster,
    app: string,
    destinationNamespace: string | undefined,
    query: LogsQuery,
  ): Promise<KubeObject[]> {
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(app));
    const inventory = new Set(state.inventory);
    // The namespaces the app deployed to (and its destination's): where its Pods can be.
    const namespaces = new Set<string>();
    for (const key of inventory) {
      const namespace = key.split('/')[2];
      if (namespace) namespaces.add(namespace);
    }
    if (destinationNamespace) namespaces.add(destinationNamespace);
    if (query.namespace) {
      if (!namespaces.has(query.namespace)) return [];
      namespaces.clear();
      namespaces.add(query.namespace);
    }
    const ofApp = new AppMembership(cluster, app, inventory);
    // Argo CD: podName is the resource `Pod/<podName>`; otherwise kind/group/resourceName, or every Pod.
    const kind = query.podName ? 'Pod' : query.kind;
    const resourceName = query.podName ?? query.resourceName;
    // No group given with a kind: any group of that kind (`--kind Deployment` finds apps/Deployment).
    const group = query.podName ? '' : query.group;
    const selected: KubeObject[] = [];
    for (const namespace of [...namespaces].sort()) {
      for (const pod of await cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace })) {
        const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace };
        if (!(await ofApp.includes(ref))) continue;
        if (resourceName || kind) {
          const target = [...inventory].filter((key) => {
            const [g, k, , n] = key.split('/');
            return (
              (!kind || k === kind) &&
              (!resourceName || n === resourceName) &&
              (!kind || group === undefined || g === group)
            );
          });
          const isTarget =
            kind === 'Pod' && pod.metadata.name === resourceName && (group ?? '') === groupOf('v1');
          const ofResource = new AppMembership(cluster, app, new Set(target), false);
          if (!isTarget && !(await ofResource.includes(ref))) continue;
        }
        selected.push(pod);
      }
    }
    return selected;
  }

  private run(cluster: KubeCluster, pods: KubeObject[], query: LogsQuery, sink: LogSink): LogRun {
    const follow = query.follow === 'true';
    const controllers: AbortController[] = [];
    const streams: PassThrough[] = [];
    let stopped = false;
    const stop = () => {
      stopped = true;
      for (const c of controllers) c.abort();
      for (const s of streams) s.destroy();
    };
    const keep = (line: string) => matchesLogFilter(line, query.filter, query.matchCase === 'true');
    // Writes are chained so entries leave in order and wait for the socket.
    let written = Promise.resolve();
    const send = (entry: LogEntry) => {
      // A client that left stops the answer: nothing more is read or written.
      written = written.then(() => (stopped ? undefined : sink(entry))).catch(stop);
      return written;
    };
    const readPod = async (pod: KubeObject): Promise<LogEntry[]> => {
      const podName = pod.metadata.name;
      const collected: LogEntry[] = [];
      const emit = (entry: LogEntry) => (follow ? void send(entry) : collected.push(entry));
      const out = new PassThrough();
      streams.push(out);
      let rest = '';
      const ended = new Promise<void>((resolve) => {
        out.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split('\n');
          rest = lines.pop() ?? '';
          for (const raw of lines) {
            const { at, content } = splitTimestamp(raw);
            if (keep(content)) emit(logEntryOf(podName, content, at));
          }
        });
        out.on('end', resolve);
        out.on('close', resolve);
      });
      try {
        controllers.push(
          await cluster.streamPodLog({ namespace: pod.metadata.namespace ?? '', name: podName }, out, {
            ...(query.container ? { container: query.container } : {}),
            follow,
            previous: query.previous === 'true',
            timestamps: true,
            // Argo CD passes both on only when above 0.
            ...(Number(query.tailLines ?? 0) > 0 ? { tailLines: Number(query.tailLines) } : {}),
            ...(sinceSecondsOf(query) !== undefined ? { sinceSeconds: sinceSecondsOf(query) } : {}),
          }),
        );
        await ended;
      } catch (err) {
        // As Argo CD: a log the cluster refuses (the container is not running yet) is shown as its one line.
        out.destroy();
        emit(logEntryOf(podName, err instanceof Error ? err.message : String(err), new Date()));
      }
      return collected;
    };
    // Argo CD answers nothing at all when no Pod is selected.
    if (pods.length === 0) return { done: Promise.resolve(), stop };
    const done = (async () => {
      const perPod = await Promise.all(pods.map(readPod));
      if (!follow) {
        // Argo CD merges the Pods' logs by time.
        for (const entry of perPod.flat().sort((a, b) => a.timeStampStr.localeCompare(b.timeStampStr)))
          void send(entry);
      }
      await send(lastLogEntry(new Date()));
    })().catch(() => undefined);
    return { done, stop };
  }
}

/** sinceTime (Argo's `sinceTime.seconds`) as the sinceSeconds the cluster is asked for, at least 1. */
function sinceSecondsOf(query: LogsQuery): number | undefined {
  if (Number(query.sinceSeconds ?? 0) > 0) return Number(query.sinceSeconds);
  if (query['sinceTime.seconds'])
    return Math.max(1, Math.ceil(Date.now() / 1000 - Number(query['sinceTime.seconds'])));
  return undefined;
}
