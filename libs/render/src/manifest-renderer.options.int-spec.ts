import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryManifestCache } from './manifest/manifest-cache.port';
import { ManifestRenderer, type RenderRequest } from './manifest-renderer';
import { RenderError } from './render.error';
import type { ApplicationSourceHelm, ApplicationSourceKustomize, KubernetesObject } from './source.types';
import { golden, renderTestdataDir, toYamlStream } from './testing/golden-file';
import { findTools, toolVersions } from './tools/tool-locator';

// Argo CD's kustomize and helm options (issue #14 item 7), on the real kustomize and helm.
const tools = findTools();
let root: string;
let app: GitFixtureRepo;
let sha: string;
let renderer: ManifestRenderer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-options-it-'));
  app = await GitFixtureRepo.create(root, 'app');
  sha = await app.commitDir(join(renderTestdataDir(), 'options'), '.');
  const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache(), tools });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function kustomize(options: ApplicationSourceKustomize): RenderRequest {
  return {
    appName: 'guestbook',
    hardRefresh: true,
    source: { repoURL: app.fileUrl, targetRevision: 'main', path: 'kustomize/app', kustomize: options },
  };
}

function helm(options: ApplicationSourceHelm, extra: Partial<RenderRequest> = {}): RenderRequest {
  return {
    appName: 'guestbook',
    namespace: 'destination',
    hardRefresh: true,
    source: { repoURL: app.fileUrl, targetRevision: 'main', path: 'chart', helm: options },
    ...extra,
  };
}

async function renderError(request: RenderRequest): Promise<RenderError> {
  const err = await renderer.render(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RenderError)) throw new Error(`expected a RenderError, got: ${String(err)}`);
  return err;
}

function configMap(objects: KubernetesObject[]): Record<string, string> {
  return (objects.find((o) => o.kind === 'ConfigMap')?.data ?? {}) as Record<string, string>;
}

describe('kustomize options', () => {
  it('applies patches, components, labels without selectors and images with the build environment (golden)', async () => {
    const result = await renderer.render(
      kustomize({
        images: ['registry.example.com/api:${ARGOCD_APP_REVISION_SHORT}'],
        commonLabels: { release: '$ARGOCD_APP_NAME' },
        labelWithoutSelector: true,
        commonAnnotations: { 'example.com/revision': '$ARGOCD_APP_REVISION_SHORT' },
        commonAnnotationsEnvsubst: false,
        patches: [
          { path: 'resources-patch.yaml' },
          {
            patch: '- op: replace\n  path: /spec/replicas\n  value: 3',
            target: { kind: 'Deployment', name: 'api' },
          },
        ],
        components: ['../components/monitoring', '../components/absent'],
        ignoreMissingComponents: true,
      }),
    );
    // The revision is the fixture's commit: keep it out of the golden file.
    const actual = toYamlStream(result.objects).split(sha.slice(0, 7)).join('<revision>');
    expect(actual).toBe(await golden('kustomize-options-argo', actual));
    const deployment = result.objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'api', team: 'payments' });
  });

  it('substitutes annotations with commonAnnotationsEnvsubst', async () => {
    const result = await renderer.render(
      kustomize({
        commonAnnotations: { 'example.com/revision': '$ARGOCD_APP_REVISION_SHORT' },
        commonAnnotationsEnvsubst: true,
      }),
    );
    expect(result.objects[0]?.metadata.annotations).toEqual({ 'example.com/revision': sha.slice(0, 7) });
  });

  it('refuses a label the kustomization sets unless forceCommonLabels', async () => {
    const err = await renderError(kustomize({ commonLabels: { team: 'other' } }));
    expect(err.field).toBe('spec.source.kustomize.commonLabels.team');
    const forced = await renderer.render(
      kustomize({ commonLabels: { team: 'other' }, forceCommonLabels: true }),
    );
    expect(forced.objects[0]?.metadata.labels).toEqual({ team: 'other' });
  });

  it('refuses a missing component without ignoreMissingComponents, and a patch file outside the repository', async () => {
    const missing = await renderError(kustomize({ components: ['../components/absent'] }));
    expect(missing.code).toBe('path-not-found');
    expect(missing.field).toBe('spec.source.kustomize.components[0]');
    const escape = await renderError(kustomize({ patches: [{ path: '../../../../../../etc/passwd' }] }));
    expect(escape.code).toBe('path-escape');
    expect(escape.message).toContain('patches[0].path');
  });

  it('builds with the installed kustomize and refuses a version it does not have', async () => {
    const installed = (await toolVersions(tools)).kustomize;
    await expect(renderer.render(kustomize({ version: installed }))).resolves.toBeDefined();
    const err = await renderError(kustomize({ version: 'v4.5.7' }));
    expect(err.code).toBe('unsupported-source');
    expect(err.message).toContain(`this worker builds with kustomize ${installed}`);
  });
});

describe('helm options', () => {
  it('takes namespace, kubeVersion and apiVersions from spec.source.helm over the destination', async () => {
    const plain = configMap((await renderer.render(helm({}))).objects);
    expect(plain).toMatchObject({ hasWidget: 'false' });
    const result = await renderer.render(
      helm(
        { namespace: 'from-helm', kubeVersion: '1.31.2', apiVersions: ['example.com/v1/Widget'] },
        { kubeVersion: '1.34.0' },
      ),
    );
    expect(result.objects[0]?.metadata.namespace).toBe('from-helm');
    expect(configMap(result.objects)).toMatchObject({ kubeVersion: 'v1.31.2', hasWidget: 'true' });
  });

  it('leaves out test hooks with skipTests', async () => {
    const kinds = async (options: ApplicationSourceHelm) =>
      (await renderer.render(helm(options))).objects.map((o) => o.kind);
    expect(await kinds({})).toEqual(['ConfigMap', 'Pod']);
    expect(await kinds({ skipTests: true })).toEqual(['ConfigMap']);
  });

  it('validates values against values.schema.json unless skipSchemaValidation', async () => {
    const parameters = [{ name: 'replicas', value: 'many', forceString: true }];
    const err = await renderError(helm({ parameters }));
    expect(err.message).toContain("don't meet the specifications of the schema");
    const skipped = await renderer.render(helm({ parameters, skipSchemaValidation: true }));
    expect(configMap(skipped.objects).replicas).toBe('many');
  });

  it('substitutes the build environment in parameters and value file paths, as Argo CD', async () => {
    const result = await renderer.render(
      helm({
        valueFiles: ['values-$ARGOCD_APP_NAME.yaml'],
        parameters: [{ name: 'tag', value: '${ARGOCD_APP_REVISION_SHORT_8}' }],
      }),
    );
    expect(configMap(result.objects)).toMatchObject({
      tag: sha.slice(0, 8),
      environment: 'from-values-guestbook',
    });
  });
});
