import type { CacheChange, ClusterCache } from '@berth/kube';
import type { ClusterLease } from '@berth/queues';

/** How long a change is remembered for a worker that takes the lease over (TTL + one try, with margin). */
export const HANDOVER_WINDOW_MS = 15_000;

export interface LiveChangeRefresherOptions {
  /** Changes to one app's objects within this long become one request (default 1 s). */
  debounceMs: number;
  /** Asks for the app's refresh (JobQueues.requestRefresh, reason `live-change`). */
  request: (application: string) => Promise<void>;
  /** The clock (tests). */
  now?: () => number;
  onError?: (application: string, err: unknown) => void;
}

/**
 * Turns a cluster's live changes into refresh requests (Argo CD's controller requests an app's refresh
 * when a resource of its tree changes): the app is the one whose tracking id the object carries, or its
 * nearest owner's (a Pod of the app's Deployment). Requests go out from the lease holder only, gathered
 * per app over `debounceMs`; every worker remembers the apps that changed in the last 15 s, and one that
 * takes the lease over requests those at once, so a change seen while the old holder was dying is not lost.
 */
export class LiveChangeRefresher {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly recent = new Map<string, number>();
  private readonly unsubscribe: () => void;
  /** Requests sent (tests, metrics). */
  requested = 0;

  constructor(
    private readonly cache: ClusterCache,
    private readonly lease: Pick<ClusterLease, 'held'>,
    private readonly options: LiveChangeRefresherOptions,
  ) {
    this.unsubscribe = cache.onChange((change) => this.observe(change));
  }

  /** The lease was just taken: request what changed lately (the old holder may not have). */
  takeOver(): void {
    const since = this.now() - HANDOVER_WINDOW_MS;
    for (const [app, at] of this.recent) if (at >= since) this.schedule(app);
  }

  stop(): void {
    this.unsubscribe();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private observe(change: CacheChange): void {
    const app = change.resource.app ?? this.cache.appOf(change.resource);
    if (!app) return;
    this.recent.set(app, this.now());
    this.schedule(app);
  }

  private schedule(app: string): void {
    if (this.pending.has(app)) return;
    const timer = setTimeout(() => {
      this.pending.delete(app);
      this.forgetOld();
      if (!this.lease.held) return;
      this.requested++;
      this.options.request(app).catch((err: unknown) => this.options.onError?.(app, err));
    }, this.options.debounceMs);
    timer.unref();
    this.pending.set(app, timer);
  }

  private forgetOld(): void {
    const since = this.now() - HANDOVER_WINDOW_MS;
    for (const [app, at] of this.recent) if (at < since) this.recent.delete(app);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
