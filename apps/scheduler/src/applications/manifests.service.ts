import { join } from 'node:path';
import { DomainError } from '@berth/domain';
import { RepositoryCredentialStore } from '@berth/event-store';
import { DependencyUnavailableError, SecretBox } from '@berth/infra';
import {
  isRenderError,
  ManifestRenderer,
  RedisManifestCache,
  type ApplicationSource,
  type KubernetesObject,
} from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { OutboundGuard } from '@berth/net';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';

const MASK = '++++++++';

/**
 * `GET /api/v1/applications/:name/manifests`: what Git renders for an app, for humans. Uses the
 * same renderer and manifest cache as the workers; Secret values are masked.
 */
@Injectable()
export class ManifestsService {
  private readonly credentials: RepositoryCredentialStore;
  private readonly renderer: ManifestRenderer;

  constructor(private readonly ctx: SchedulerContext) {
    this.credentials = new RepositoryCredentialStore(ctx.dataSource, SecretBox.fromConfig(ctx.config));
    const git = new GitMirrorCache({
      cacheDir: join(ctx.config.dataDir, 'scheduler-git'),
      allowFileUrls: ctx.config.allowFileRepos,
      allowHttp: ctx.config.allowHttpRepos,
      // No default credentials: each render gets those its app's project may use.
      outbound: OutboundGuard.fromAllowList(ctx.config.outboundAllow),
    });
    this.renderer = new ManifestRenderer({
      git,
      cache: new RedisManifestCache(ctx.redis, `${ctx.config.queuePrefix}:manifests:`),
      plugins: ctx.plugins,
    });
  }

  async manifests(name: string, revision?: string) {
    const record = await this.ctx.applications.find(name);
    if (!record)
      throw new DomainError(
        'NotFound',
        `application "${name}" not found; list them with GET /api/v1/applications`,
      );
    const spec = record.manifest.spec as Record<string, unknown> & { project?: string };
    const destination = spec['destination'] as { namespace?: string } | undefined;
    let source = spec['source'] as ApplicationSource | undefined;
    const sources = spec['sources'] as ApplicationSource[] | undefined;
    if (revision) {
      if (sources)
        throw new DomainError('Invalid', 'revision: not supported for multi-source applications; omit it');
      if (source) source = { ...source, targetRevision: revision };
    }
    const access = await this.credentials.forApplication(record.manifest);
    try {
      const rendered = await this.renderer.render({
        credentials: access.credentials,
        remoteBases: access.permitsSource,
        helmRepositories: access.helmRepositories,
        appName: name,
        ...(spec.project ? { project: spec.project } : {}),
        ...(destination?.namespace ? { namespace: destination.namespace } : {}),
        ...(sources ? { sources } : { source: source! }),
      });
      return {
        revision: rendered.revision,
        sourceType: rendered.sourceType,
        tools: rendered.tools,
        manifests: rendered.objects.map(maskSecret),
      };
    } catch (error) {
      if (isRenderError(error) && error.code === 'disk-error')
        throw new DependencyUnavailableError(
          'data-dir',
          `cannot render "${name}": ${error.message}; retry once the disk is writable`,
          { cause: error },
        );
      if (isRenderError(error)) {
        throw new DomainError('Invalid', `cannot render "${name}" (${error.code}): ${error.message}`, {
          reason: error.code,
        });
      }
      throw error;
    }
  }
}

/** Secret values never leave Berth: every key stays visible, every value becomes the mask. */
export function maskSecret(obj: KubernetesObject): KubernetesObject {
  if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') return obj;
  const out: Record<string, unknown> = { ...obj };
  for (const field of ['data', 'stringData']) {
    const values = out[field];
    if (values && typeof values === 'object') {
      out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, MASK]));
    }
  }
  return out as KubernetesObject;
}
