import { DomainError } from '@berth/domain';
import { DependencyUnavailableError } from '@berth/infra';
import { isRenderError, type ApplicationSource, type KubernetesObject } from '@berth/render';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';
import { SchedulerSources } from './scheduler-sources';

const MASK = '++++++++';

/**
 * Argo CD's `ManifestResponse` (`GET /api/v1/applications/:name/manifests`): each rendered object as a
 * JSON string, with the resolved revision, the source type and the destination it would go to.
 */
export interface ManifestResponse {
  manifests: string[];
  namespace: string;
  server: string;
  revision: string;
  sourceType: string;
}

/**
 * What Git renders for an app, for people (`GET .../manifests`) and for a partial rollback. Uses the
 * same renderer and manifest cache as the workers; Secret values are masked.
 */
@Injectable()
export class ManifestsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly sources: SchedulerSources,
  ) {}

  /** Argo CD's GetManifests: the objects as JSON strings, Secret values masked (as its HideSecretData). */
  async manifests(name: string, revision?: string): Promise<ManifestResponse> {
    const { spec, rendered } = await this.render(name, revision);
    const destination = spec['destination'] as { namespace?: string; server?: string } | undefined;
    return {
      manifests: rendered.objects.map((obj) => JSON.stringify(maskSecret(obj))),
      namespace: destination?.namespace ?? '',
      server: destination?.server ?? '',
      revision: rendered.revision,
      sourceType: rendered.sourceType,
    };
  }

  /** The rendered objects at a revision (Secret values masked): what a partial rollback picks kinds from. */
  async objects(name: string, revision?: string): Promise<KubernetesObject[]> {
    return (await this.render(name, revision)).rendered.objects.map(maskSecret);
  }

  /**
   * The rendered objects with Secret values in clear, only to compare them with the live objects
   * (ManagedResourcesService masks everything it answers): never answer them as they are.
   */
  async unmaskedObjects(name: string, revision?: string): Promise<KubernetesObject[]> {
    return (await this.render(name, revision)).rendered.objects;
  }

  private async render(name: string, revision?: string) {
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
    const access = await this.sources.credentials.forApplication(record.manifest);
    try {
      const rendered = await this.sources.renderer.render({
        credentials: access.credentials,
        remoteBases: access.permitsSource,
        helmRepositories: access.helmRepositories,
        appName: name,
        ...(spec.project ? { project: spec.project } : {}),
        ...(destination?.namespace ? { namespace: destination.namespace } : {}),
        ...(sources ? { sources } : { source: source! }),
      });
      return { spec, rendered };
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
