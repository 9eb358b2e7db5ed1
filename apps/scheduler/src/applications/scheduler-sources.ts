import { join } from 'node:path';
import { RepositoryCredentialStore } from '@berth/event-store';
import { SecretBox } from '@berth/infra';
import { OutboundGuard } from '@berth/net';
import { findTools, ManifestRenderer, RedisManifestCache } from '@berth/render';
import { GitMirrorCache, HelmChartCache } from '@berth/sources';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';

/**
 * The scheduler's view of the sources Applications are rendered from, one per process: the git mirrors
 * and pulled charts under `<data dir>/scheduler-git`, the renderer with the manifest cache the workers
 * share, and the repository credentials (an app gets those its project may use, `forApplication`).
 */
@Injectable()
export class SchedulerSources {
  readonly credentials: RepositoryCredentialStore;
  readonly git: GitMirrorCache;
  readonly charts: HelmChartCache;
  readonly renderer: ManifestRenderer;

  constructor(ctx: SchedulerContext) {
    this.credentials = new RepositoryCredentialStore(ctx.dataSource, SecretBox.fromConfig(ctx.config));
    const outbound = OutboundGuard.fromAllowList(ctx.config.outboundAllow);
    const cacheDir = join(ctx.config.dataDir, 'scheduler-git');
    this.git = new GitMirrorCache({
      cacheDir,
      allowFileUrls: ctx.config.allowFileRepos,
      allowHttp: ctx.config.allowHttpRepos,
      // No default credentials: each use gets those its app's project may use.
      outbound,
    });
    this.charts = new HelmChartCache({
      cacheDir: join(cacheDir, 'helm-charts'),
      helm: findTools().helm,
      allowHttp: ctx.config.allowHttpRepos,
      outbound,
    });
    this.renderer = new ManifestRenderer({
      git: this.git,
      charts: this.charts,
      cache: new RedisManifestCache(ctx.redis, `${ctx.config.queuePrefix}:manifests:`),
      // The same plugins as the workers: they are part of the cache key both share.
      plugins: ctx.plugins,
    });
  }
}
