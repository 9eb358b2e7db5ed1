import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboundGuard, OutboundPolicy, type ResolveAll } from '@berth/net';
import { findTools } from '@berth/render';
import { GitMirrorCache, HelmChartCache, SourceError } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { startGitHttpServer, type GitHttpServer } from '@berth/sources/testing/git-http-server';
import {
  buildHelmRepo,
  startHelmRepoServer,
  type HelmRepoServer,
} from '@berth/sources/testing/helm-repo-server';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

// A repoURL, a Helm repository URL or a chart URL inside someone's index.yaml can point Berth's git
// and helm at the cloud metadata service (169.254.169.254) and hand the node's credentials to whoever
// reads the error or the rendered output. Nothing here connects to a link-local address: literals are
// refused before any connection, and "a name that resolves to the metadata address" is played by
// localhost with a resolver that answers 169.254.169.254 (the servers themselves listen on 127.0.0.1).
let root: string;
let gitServer: GitHttpServer;
let helmServer: HelmRepoServer;
let repo: GitFixtureRepo;
const helm = findTools().helm;

/** `localhost` resolves to the metadata address, as a hostile DNS record (or a rebinding) would make it. */
const metadataDns: ResolveAll = async (host) =>
  host === 'localhost' ? [{ address: '169.254.169.254', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];

function guard(allow: string[] = []): OutboundGuard {
  return new OutboundGuard(new OutboundPolicy(allow), metadataDns);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-sec-ssrf-'));
  repo = await GitFixtureRepo.create(root, 'app');
  await repo.commit({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
  gitServer = await startGitHttpServer({ projectRoot: root });

  const chartDir = join(root, 'chart-src');
  await mkdir(join(chartDir, 'templates'), { recursive: true });
  await writeFile(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
  await writeFile(
    join(chartDir, 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
  );
  const repoDir = join(root, 'helm-repo');
  await buildHelmRepo(helm!, repoDir, [{ chartDir, versions: ['1.0.0'] }]);
  helmServer = await startHelmRepoServer({ dir: repoDir });
  // The repository's owner points the chart archive at another host: here "localhost", which the
  // test resolver says is the metadata service.
  const indexPath = join(repoDir, 'index.yaml');
  const index = parse(await readFile(indexPath, 'utf8')) as { entries: Record<string, { urls: string[] }[]> };
  const port = new URL(helmServer.url).port;
  for (const entry of index.entries['web']!) entry.urls = [`http://localhost:${port}/web-1.0.0.tgz`];
  await writeFile(indexPath, stringify(index));
});

afterAll(async () => {
  await gitServer?.close();
  await helmServer?.close();
  await rm(root, { recursive: true, force: true });
});

function mirrors(outbound: OutboundGuard, name: string): GitMirrorCache {
  return new GitMirrorCache({ cacheDir: join(root, name), workDir: root, allowHttp: true, outbound });
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe('SSRF through git', () => {
  it('a repoURL naming the metadata address is refused before git connects, naming the field and the setting', async () => {
    const git = mirrors(guard(), 'git-literal');
    for (const url of [
      'https://169.254.169.254/latest/meta-data.git',
      'git@169.254.169.254:org/repo.git',
      'ssh://git@[fe80::1]/org/repo.git',
      'https://metadata.google.internal/computeMetadata/v1/repo.git',
    ]) {
      const err = await failure(git.resolveRevision(url, 'main'));
      expect({ code: err.code, field: err.field }).toEqual({
        code: 'outbound-refused',
        field: 'spec.source.repoURL',
      });
      expect(err.message).toMatch(/BERTH_OUTBOUND_ALLOW/);
    }
  });

  it('a repoURL whose name resolves to a link-local address is refused for ls-remote and fetch, unless the operator allows it', async () => {
    const git = mirrors(guard(), 'git-name');
    const url = `http://localhost:${new URL(gitServer.baseUrl).port}/app.git`;
    const lsRemote = await failure(git.resolveRevision(url, 'main'));
    expect(lsRemote.code).toBe('outbound-refused');
    expect(lsRemote.message).toMatch(/localhost .*resolves to 169\.254\.169\.254/);
    const fetch = await failure(git.fetch(url));
    expect(fetch.code).toBe('outbound-refused');
    expect(gitServer.requests.filter((r) => r.includes('/app.git'))).toEqual([]);

    // The operator's allow-list (BERTH_OUTBOUND_ALLOW) re-opens the destination.
    const allowed = mirrors(guard(['localhost']), 'git-allowed');
    expect((await allowed.resolveRevision(url, 'main')).sha).toBe(await repo.head());
  });
});

describe('SSRF through helm', () => {
  it('a Helm repository URL naming the metadata address is refused before the index is fetched', async () => {
    const charts = new HelmChartCache({
      cacheDir: join(root, 'charts-literal'),
      helm,
      allowHttp: true,
      outbound: guard(),
    });
    const err = await failure(charts.resolve('http://169.254.169.254/charts', 'web', '1.0.0'));
    expect({ code: err.code, field: err.field }).toEqual({
      code: 'outbound-refused',
      field: 'spec.source.repoURL',
    });
  });

  it("a chart URL in the repository's index.yaml pointing at the metadata service is refused before helm pull", async () => {
    const charts = new HelmChartCache({
      cacheDir: join(root, 'charts-index'),
      helm,
      allowHttp: true,
      outbound: guard(),
    });
    const entry = await charts.resolve(helmServer.url, 'web', '1.0.0');
    expect(entry.version).toBe('1.0.0');
    const err = await failure(charts.pull(helmServer.url, 'web', '1.0.0'));
    expect({ code: err.code, field: err.field }).toEqual({
      code: 'outbound-refused',
      field: 'spec.source.chart',
    });
    expect(helmServer.requests.filter((r) => r.endsWith('.tgz'))).toEqual([]);
  });
});
