import { type ApplicationTree, DomainError, isDns1123Subdomain, ValidationFailedError } from '@berth/domain';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ResourceTreeService } from '../applications/resource-tree.service';
import { SchedulerContext } from '../scheduler.context';
import { EventLogWakeups } from './event-log-wakeups';

/** Where a tree watch writes: resolves once the line is handed to the socket, rejects once the client is gone. */
export type TreeSink = (tree: ApplicationTree) => Promise<void>;

/**
 * How often an open tree watch reads the tree again although the app's log did not move: Pods and
 * ReplicaSets change without an event in Berth's log. The read is one Redis GET of the tree the workers
 * publish (ResourceTreeService); only without it does the scheduler read the cluster (ADR 0005).
 */
const TREE_POLL_MS = 5000;

/** The application name of the route, checked before anything is read: a 400 naming `name` otherwise. */
export function checkTreeWatchName(name: string): string {
  if (isDns1123Subdomain(name)) return name;
  throw new ValidationFailedError('ResourcesQuery', undefined, [
    {
      path: 'name',
      message: `${JSON.stringify(name.slice(0, 80))} is not an application name`,
      fix: "the Application's metadata.name (a DNS subdomain)",
    },
  ]);
}

/**
 * Argo CD's WatchResourceTree (`GET /api/v1/stream/applications/{name}/resource-tree`): the app's
 * resource tree (ResourceTreeService, as `GET .../resource-tree` answers it) sent at once, then again each
 * time it differs from the last one sent. It is built again when the app's stream moves (an append to the
 * log wakes every scheduler's watches) and every TREE_POLL_MS for what changes only in the cluster (a worker
 * republishes the tree when a live change refreshes the app). The
 * stream ends when the app is deleted or the client leaves; a cluster that cannot be read keeps the
 * stream open and is tried again at the next wake-up (the last tree sent stands meanwhile).
 */
@Injectable()
export class ResourceTreeWatchService implements OnModuleDestroy {
  private readonly logger = new Logger('tree-watch');
  private readonly open = new Set<ResourceTreeWatch>();

  constructor(
    private readonly ctx: SchedulerContext,
    private readonly trees: ResourceTreeService,
    private readonly wakeups: EventLogWakeups,
  ) {}

  /** The first tree: a missing app or an unreadable cluster refuses here, before the stream starts. */
  prepare(name: string): Promise<ApplicationTree> {
    return this.trees.tree(checkTreeWatchName(name));
  }

  /** Sends `first`, then every different tree, until `stop`, the app's deletion or the sink refuses. */
  async run(
    name: string,
    first: ApplicationTree,
    send: TreeSink,
  ): Promise<{ stop: () => void; done: Promise<void> }> {
    const record = await this.ctx.applications.find(name);
    const watch = new ResourceTreeWatch(
      name,
      record?.streamVersion ?? 0,
      send,
      (n) => this.trees.tree(n),
      async (n) => (await this.ctx.applications.find(n))?.streamVersion,
      this.logger,
    );
    this.open.add(watch);
    const unsubscribe = await this.wakeups.subscribe(() => watch.wake(false));
    const done = watch.start(first).finally(() => {
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

/** One client's tree watch. */
class ResourceTreeWatch {
  private stopped = false;
  private again: boolean | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private finished!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly name: string,
    private streamVersion: number,
    private readonly send: TreeSink,
    private readonly build: (name: string) => Promise<ApplicationTree>,
    private readonly versionOf: (name: string) => Promise<number | undefined>,
    private readonly logger: Logger,
  ) {}

  async start(first: ApplicationTree): Promise<void> {
    try {
      await this.emit(first);
    } catch {
      this.stop();
      return this.ended;
    }
    this.timer = setInterval(() => this.wake(true), TREE_POLL_MS);
    return this.ended;
  }

  /**
   * `poll`: build the tree whatever the log says. Otherwise (a wake-up from the log, which any app's append
   * gives) only when this app's stream moved.
   */
  wake(poll: boolean): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = (this.again ?? false) || poll;
      return;
    }
    this.running = this.check(poll).finally(() => {
      this.running = undefined;
      const again = this.again;
      this.again = undefined;
      if (again !== undefined && !this.stopped) this.wake(again);
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.finished();
  }

  private async check(poll: boolean): Promise<void> {
    try {
      const version = await this.versionOf(this.name);
      if (version === undefined) {
        this.stop();
        return;
      }
      if (!poll && version === this.streamVersion) return;
      this.streamVersion = version;
      await this.emit(await this.build(this.name));
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof DomainError && error.code === 'NotFound') this.stop();
      else if (error instanceof Error && error.message === 'the client left') this.stop();
      else
        this.logger.warn(
          `resource tree of ${this.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  }

  private async emit(tree: ApplicationTree): Promise<void> {
    const text = JSON.stringify(tree);
    if (text === this.last) return;
    await this.send(tree);
    this.last = text;
  }
}
