import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InMemoryManifestCache,
  ManifestRenderer,
  RenderError,
  type RenderedManifests,
  type RenderRequest,
} from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '@berth/sources/testing/git-http-server';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A kustomization in an attacker's repository names what kustomize loads. kustomize's own loader keeps
// files under the kustomization root, but lets a directory resource go to any non-ancestor directory,
// clones file:// and other remote URLs with git, and fetches http(s) files itself. None of that may
// reach outside the app's repository: not the worker's disk, not another tenant's mirror, not an
// internal HTTP service. Remote bases are loaded only when the project permits them, through Berth.
let root: string;
let repo: GitFixtureRepo;
let otherTenant: GitFixtureRepo;
let bases: GitFixtureRepo;
let renderer: ManifestRenderer;
let internal: Server;
let gitServer: GitHttpServer;
const SECRET = `secret-${randomBytes(6).toString('hex')}`;
const CREDS = { username: 'bases-bot', password: `pw-${randomBytes(6).toString('hex')}` };

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-sec-kustomize-'));
  // On the worker's disk, beside the cache: a kustomization and a file no app may read.
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  await writeFile(join(root, 'outside', 'cm.yaml'), configMap('outside', SECRET));
  await writeFile(join(root, 'outside', 'secret.txt'), SECRET);

  otherTenant = await GitFixtureRepo.create(root, 'tenant-b');
  await otherTenant.commit({
    'secret-app/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'secret-app/cm.yaml': configMap('tenant-b', SECRET),
  });
  bases = await GitFixtureRepo.create(root, 'bases');
  await bases.commit({
    'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'base/cm.yaml': configMap('from-base', 'shared'),
  });
  gitServer = await startGitHttpServer({ projectRoot: root, basicAuth: CREDS });
  internal = createServer((_req, res) => res.end(configMap('internal', SECRET)));
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/secret.yaml`;
  const remoteBase = `${gitServer.repoUrl('bases')}//base?ref=main`;

  repo = await GitFixtureRepo.create(root, 'apps');
  await repo.commit({
    // From the shared tree the cache used to extract (<cache>/.shared-trees/<tree>/<app>), four levels up
    // is the directory holding the cache: here, `outside`'s parent.
    'sibling/kustomization.yaml': 'resources:\n- ../../../../outside\n',
    'file-url/kustomization.yaml': `resources:\n- file://${otherTenant.bareDir}//secret-app?ref=main\n`,
    'http-file/kustomization.yaml': `resources:\n- ${internalUrl}\n`,
    'generator/kustomization.yaml':
      'configMapGenerator:\n- name: stolen\n  files:\n  - ../../../../outside/secret.txt\n',
    'remote/kustomization.yaml': `resources:\n- ${remoteBase}\n`,
  });
  const git = new GitMirrorCache({
    cacheDir: join(root, 'cache'),
    workDir: root,
    allowFileUrls: true,
    allowHttp: true,
  });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
});

afterAll(async () => {
  await new Promise((resolve) => internal?.close(resolve));
  await gitServer?.close();
  await rm(root, { recursive: true, force: true });
});

async function render(
  path: string,
  extra: Partial<RenderRequest> = {},
): Promise<RenderedManifests | RenderError> {
  return renderer
    .render({
      appName: path,
      source: { repoURL: repo.fileUrl, targetRevision: 'main', path },
      hardRefresh: true,
      ...extra,
    })
    .catch((err: unknown) => {
      if (err instanceof RenderError) return err;
      throw err;
    });
}

function expectRefused(result: RenderedManifests | RenderError, code: string, message: RegExp): void {
  expect(result).toBeInstanceOf(RenderError);
  const err = result as RenderError;
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
  expect(err.message).not.toContain(SECRET);
}

describe('kustomize path escape', () => {
  it('a directory resource ../../../../outside that leaves the repository is refused, naming the file and the entry', async () => {
    expectRefused(
      await render('sibling'),
      'path-escape',
      /^sibling\/kustomization\.yaml: resources\[0\] "\.\.\/\.\.\/\.\.\/\.\.\/outside" points outside the repository/,
    );
  });

  it("a file:// remote base (another tenant's repository on the worker's disk) is refused", async () => {
    expectRefused(
      await render('file-url'),
      'remote-refused',
      /^file-url\/kustomization\.yaml: resources\[0\] "file:\/\/.*" reads the worker's disk/,
    );
  });

  it('an http(s) resource kustomize would fetch itself (an internal service, the metadata address) is refused', async () => {
    expectRefused(
      await render('http-file'),
      'remote-refused',
      /^http-file\/kustomization\.yaml: resources\[0\] "http:\/\/127\.0\.0\.1:\d+\/secret\.yaml" is a remote file/,
    );
  });

  it('a configMapGenerator file outside the repository is refused by Berth, naming the entry', async () => {
    expectRefused(
      await render('generator'),
      'path-escape',
      /^generator\/kustomization\.yaml: configMapGenerator\[0\]\.files\[0\] "\.\.\/\.\.\/\.\.\/\.\.\/outside\/secret\.txt" points outside the repository/,
    );
  });

  it("a remote base the project's sourceRepos do not permit is refused", async () => {
    expectRefused(
      await render('remote', { remoteBases: () => false }),
      'remote-refused',
      /^remote\/kustomization\.yaml: resources\[0\] ".*bases\.git\/\/base\?ref=main" is a remote base from .*bases\.git, which the Application's project does not permit/,
    );
  });

  it("a remote base the project permits is fetched through Berth's repository layer, with the project's credentials", async () => {
    const url = gitServer.repoUrl('bases');
    const result = await render('remote', {
      remoteBases: (repoURL) => repoURL === url,
      credentials: (repoURL) => (repoURL === url ? { type: 'https', ...CREDS } : undefined),
    });
    expect(result).not.toBeInstanceOf(RenderError);
    expect((result as RenderedManifests).objects.map((o) => o.metadata.name)).toEqual(['from-base']);
    // kustomize itself never cloned: Berth's mirror fetched with the credentials, once.
    expect(gitServer.requests.some((r) => r.includes('/bases.git/') && !r.endsWith(' 401'))).toBe(true);
  });
});
