import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirrorCache } from '@berth/sources';
import { ManifestRenderer } from '../manifest-renderer';
import type { SourceType } from '../source.types';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { findTools } from '../tools/tool-locator';
import { generateBenchRepo, type BenchApp } from './bench-repo.generator';

// The render benchmark is only meaningful if its apps render to what they claim.
const { apps, files } = generateBenchRepo(6);
let root: string;
let repo: GitFixtureRepo;
let renderer: ManifestRenderer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-bench-gen-'));
  repo = await GitFixtureRepo.create(root, 'apps');
  await repo.commit(files);
  renderer = new ManifestRenderer({
    git: new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true }),
    tools: findTools(),
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateBenchRepo', () => {
  it('cycles plain, kustomize and helm apps of 5 to 15 objects', () => {
    const many = generateBenchRepo(50).apps;
    expect(new Set(many.map((app) => app.kind))).toEqual(new Set(['plain', 'kustomize', 'helm']));
    expect(Math.min(...many.map((app) => app.objects))).toBe(5);
    expect(Math.max(...many.map((app) => app.objects))).toBe(15);
  });

  const types: Record<BenchApp['kind'], SourceType> = {
    plain: 'Directory',
    kustomize: 'Kustomize',
    helm: 'Helm',
  };
  it.each(apps.map((app) => [app.name, app] as const))(
    '%s renders to its declared objects',
    async (_name, app) => {
      const result = await renderer.render({
        appName: app.name,
        source: { repoURL: repo.fileUrl, targetRevision: 'main', path: app.path },
      });
      expect(result.sourceType).toBe(types[app.kind]);
      expect(result.objects).toHaveLength(app.objects);
      const deployment = result.objects.find((object) => object.kind === 'Deployment') as
        { spec: { replicas: unknown; template: { spec: { containers: { image: string }[] } } } } | undefined;
      expect(typeof deployment?.spec.replicas).toBe('number');
      const image = deployment?.spec.template.spec.containers[0]?.image ?? '';
      expect(image).toMatch(app.kind === 'kustomize' ? /:1\.\d+\.0-patched$/ : /:1\.\d+\.0$/);
    },
  );
});
