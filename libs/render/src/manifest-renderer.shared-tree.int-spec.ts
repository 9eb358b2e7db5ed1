import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestRenderer } from './manifest-renderer';
import { renderTestdataDir } from './testing/golden-file';
import { findTools } from './tools/tool-locator';

let root: string;
let repo: GitFixtureRepo;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-shared-tree-render-it-'));
  repo = await GitFixtureRepo.create(root, 'repo');
  await repo.commitDir(join(renderTestdataDir(), 'k8s-manifests'), 'k8s-manifests');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ManifestRenderer on shared trees', () => {
  it('renders kustomize options on a private copy: the shared tree stays as committed', async () => {
    const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
    const renderer = new ManifestRenderer({ git, tools: findTools() });
    const source = { repoURL: repo.fileUrl, targetRevision: 'main', path: 'k8s-manifests/overlays/dev' };
    const plain = await renderer.render({ appName: 'a', source });
    const prefixed = await renderer.render({
      appName: 'a',
      source: { ...source, kustomize: { namePrefix: 'team-' } },
    });
    const again = await renderer.render({ appName: 'a', source });
    expect(prefixed.objects.every((object) => object.metadata.name?.startsWith('team-'))).toBe(true);
    expect(again.objects).toEqual(plain.objects);
    expect(plain.objects.some((object) => object.metadata.name?.startsWith('team-'))).toBe(false);
    await git.close();
  });
});
