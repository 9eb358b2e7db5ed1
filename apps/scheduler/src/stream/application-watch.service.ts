import {
  applicationAggregate,
  applicationStreamId,
  DEFAULT_APP_NAMESPACE,
  isDns1123Subdomain,
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
  toArgoApplication,
  ValidationFailedError,
  type ArgoApplication,
  type LabelRequirement,
  type RecordedEvent,
} from '@berth/domain';
import { argoApplicationOfRecord, START_OF_LOG, type Checkpoint } from '@berth/event-store';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';
import { EventLogWakeups } from './event-log-wakeups';

/** Argo CD's ApplicationQuery as Watch reads it. */
export interface WatchQuery {
  name?: string;
  appNamespace?: string;
  /** `project` and `projects`, both repeatable: any of them. */
  projects: string[];
  selector: LabelRequirement[];
  /** A `metadata.resourceVersion` this stream handed out: resume after it. */
  resourceVersion?: bigint;
}

/** Argo CD's ApplicationWatchEvent. */
export interface ApplicationWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  application: ArgoApplication;
}

/** Where a watch writes: resolves once the line is handed to the socket, rejects once the client is gone. */
export type WatchSink = (event: ApplicationWatchEvent) => Promise<void>;

/** Parameters Argo CD's clients send that change nothing here: `refresh` (Watch ignores it), `fields` (a field mask; Berth sends whole Applications). */
const IGNORED = new Set(['refresh', 'fields']);
const KNOWN = ['name', 'appNamespace', 'project', 'projects', 'selector', 'resourceVersion', ...IGNORED];
/** Events read per batch; each batch sends at most one event per application. */
const BATCH = 500;
/** The LISTEN wake-up is the fast path; this poll catches events held back behind a slow transaction. */
const POLL_MS = 1000;
const APPLICATION_STREAM = 'application-';

/**
 * Parses Watch's query string (repeated `project`/`projects` allowed, as grpc-gateway reads them); anything
 * malformed or unknown is a 400 naming it.
 */
export function parseWatchQuery(raw: Record<string, unknown>): WatchQuery {
  const issues: Array<{ path: string; message: string; fix?: string }> = [];
  const values = (key: string): string[] => {
    const value = raw[key];
    const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
    if (list.some((v) => typeof v !== 'string')) {
      issues.push({ path: key, message: 'is not a plain value', fix: 'pass it as key=value' });
      return [];
    }
    return (list as string[]).filter((v) => v !== '');
  };
  const single = (key: string): string | undefined => {
    const list = values(key);
    if (list.length > 1) issues.push({ path: key, message: 'is given more than once', fix: 'pass it once' });
    return list[0];
  };
  for (const key of Object.keys(raw))
    if (!KNOWN.includes(key))
      issues.push({
        path: key,
        message: 'unknown query parameter',
        fix: `this endpoint takes ${KNOWN.join(', ')}`,
      });
  const query: WatchQuery = { projects: [...values('project'), ...values('projects')], selector: [] };
  const name = single('name');
  if (name !== undefined) {
    if (isDns1123Subdomain(name)) query.name = name;
    else
      issues.push({
        path: 'name',
        message: 'is not an application name',
        fix: "the Application's metadata.name",
      });
  }
  const appNamespace = single('appNamespace');
  if (appNamespace !== undefined) query.appNamespace = appNamespace;
  const selector = single('selector');
  if (selector !== undefined) {
    try {
      query.selector = parseLabelSelector(selector);
    } catch (error) {
      if (!(error instanceof LabelSelectorError)) throw error;
      issues.push({
        path: 'selector',
        message: error.message,
        fix: 'a label selector, e.g. team=web,tier!=db',
      });
    }
  }
  const resourceVersion = single('resourceVersion');
  if (resourceVersion !== undefined) {
    if (/^\d{1,19}$/.test(resourceVersion)) query.resourceVersion = BigInt(resourceVersion);
    else
      issues.push({
        path: 'resourceVersion',
        message: 'is not a resourceVersion of this stream',
        fix: 'pass the metadata.resourceVersion of the last application received',
      });
  }
  if (issues.length > 0) throw new ValidationFailedError('Query string', undefined, issues);
  return query;
}

/**
 * Argo CD's Watch (`GET /api/v1/stream/applications`) fed from the event log: every append, whichever
 * scheduler or worker made it, wakes the watches of every scheduler (LISTEN/NOTIFY, polled as well), which
 * read the log on from where they are and send each changed application once per batch: ADDED when it was
 * created, MODIFIED, DELETED once gone. Each application sent carries `metadata.resourceVersion`: the
 * position of the last event it reflects. A client that reconnects with the last one it received misses
 * nothing (it may see a change twice: the application sent is the newest, maybe ahead of its position).
 * Without a resourceVersion, or with a name, the stream starts with the matching applications as ADDED,
 * as Argo CD's does.
 */
@Injectable()
export class ApplicationWatchService implements OnModuleDestroy {
  private readonly logger = new Logger('watch');
  private readonly open = new Set<ApplicationWatch>();

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly wakeups: EventLogWakeups,
  ) {}

  /**
   * Prepares a watch: where it reads on from and what it sends first. Throws (before anything is written)
   * for a resourceVersion this log never handed out.
   */
  async prepare(query: WatchQuery): Promise<{ initial: ApplicationWatchEvent[]; from: Checkpoint }> {
    let from: Checkpoint;
    if (query.resourceVersion === undefined) from = (await this.ctx.store.headCheckpoint()) ?? START_OF_LOG;
    else if (query.resourceVersion === 0n) from = START_OF_LOG;
    else {
      const at = await this.ctx.store.checkpointAt(query.resourceVersion);
      if (!at)
        throw new ValidationFailedError('Query string', undefined, [
          {
            path: 'resourceVersion',
            message: `no event has position ${query.resourceVersion}`,
            fix: 'pass the metadata.resourceVersion of an application this stream sent, or none to start afresh',
          },
        ]);
      from = at;
    }
    const initial: ApplicationWatchEvent[] = [];
    if (query.resourceVersion === undefined || query.name !== undefined) {
      const records = query.name
        ? [await this.ctx.applications.find(query.name)].filter((r) => r !== undefined)
        : await this.ctx.applications.list();
      for (const record of records) {
        const application = withResourceVersion(argoApplicationOfRecord(record), from.position);
        if (matchesWatchQuery(application, query)) initial.push({ type: 'ADDED', application });
      }
    }
    return { initial, from };
  }

  /** Sends the initial events, then the changes after `from`, until `stop` or the sink refuses. */
  async run(
    query: WatchQuery,
    prepared: { initial: ApplicationWatchEvent[]; from: Checkpoint },
    send: WatchSink,
  ): Promise<{ stop: () => void; done: Promise<void> }> {
    const watch = new ApplicationWatch(this.ctx, query, prepared.from, send, this.logger);
    this.open.add(watch);
    const unsubscribe = await this.wakeups.subscribe(() => watch.wake());
    const done = watch.start(prepared.initial).finally(() => {
      unsubscribe();
      this.open.delete(watch);
    });
    return { stop: () => watch.stop(), done };
  }

  /** Ends every open watch (their responses end), so the HTTP server can close. */
  onModuleDestroy(): void {
    for (const watch of this.open) watch.stop();
  }
}

/** One client's watch: reads the log on from its checkpoint, one batch at a time. */
class ApplicationWatch {
  private stopped = false;
  private again = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly query: WatchQuery,
    private checkpoint: Checkpoint,
    private readonly send: WatchSink,
    private readonly logger: Logger,
  ) {}

  async start(initial: readonly ApplicationWatchEvent[]): Promise<void> {
    try {
      for (const event of initial) await this.send(event);
    } catch {
      this.stop();
      return this.ended;
    }
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.wake();
    return this.ended;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.finished();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.pumpOnce()) > 0);
    } catch (error) {
      if (!this.stopped) this.logger.warn(`watch stopped: ${(error as Error).message}`);
      this.stop();
    }
  }

  /** Reads one batch after the checkpoint and sends each application it changed; returns how many events it read. */
  private async pumpOnce(): Promise<number> {
    const batch = await this.ctx.store.readAll(this.checkpoint, BATCH);
    if (batch.length === 0) return 0;
    // Each application once, at its last event in the batch, in the order of those events: the
    // resourceVersions a client receives only grow.
    const changed = new Map<string, { last: RecordedEvent; created: boolean }>();
    for (const event of batch) {
      if (!event.streamId.startsWith(APPLICATION_STREAM)) continue;
      const name = event.streamId.slice(APPLICATION_STREAM.length);
      const created = (changed.get(name)?.created ?? false) || event.type === 'ApplicationCreated';
      changed.delete(name);
      changed.set(name, { last: event, created });
    }
    for (const [name, { last, created }] of changed) {
      if (this.stopped) break;
      const change = await this.changeOf(name, created);
      if (!change) continue;
      const application = withResourceVersion(change.application, last.position);
      if (matchesWatchQuery(application, this.query)) await this.send({ type: change.type, application });
    }
    const last = batch[batch.length - 1]!;
    this.checkpoint = { transactionId: last.transactionId, position: last.position };
    return batch.length;
  }

  /** The application now: its read model, or (deleted) its last state with `deletionTimestamp`. */
  private async changeOf(name: string, created: boolean): Promise<ApplicationWatchEvent | undefined> {
    const record = await this.ctx.applications.find(name);
    if (record) return { type: created ? 'ADDED' : 'MODIFIED', application: argoApplicationOfRecord(record) };
    const { state } = await this.ctx.commands.load(applicationAggregate, applicationStreamId(name));
    const application = toArgoApplication(state);
    return application ? { type: 'DELETED', application } : undefined;
  }
}

function withResourceVersion(application: ArgoApplication, position: bigint): ArgoApplication {
  return { ...application, metadata: { ...application.metadata, resourceVersion: position.toString() } };
}

/** Argo CD's Watch filters: name (and namespace), projects, label selector. List uses them too. */
export function matchesWatchQuery(application: ArgoApplication, query: WatchQuery): boolean {
  const { metadata, spec } = application;
  if (query.name !== undefined && metadata.name !== query.name) return false;
  if (
    query.appNamespace !== undefined &&
    (metadata.namespace ?? DEFAULT_APP_NAMESPACE) !== query.appNamespace
  )
    return false;
  const project = (spec as { project?: string }).project || 'default';
  if (query.projects.length > 0 && !query.projects.includes(project)) return false;
  return query.selector.length === 0 || matchesLabelSelector(query.selector, metadata.labels);
}
