import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemoryManifestCache, ManifestRenderer, RenderError } from '@berth/render';
import { GitMirrorCache } from '@berth/sources';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// YAML read from an attacker's Git repository must not take the renderer (and the API answering
// GET /manifests with it) down: a bomb is a render error that names the file, like a typo is.
let root: string;
let repo: GitFixtureRepo;
let renderer: ManifestRenderer;

/** The classic "billion laughs": nine levels of nine aliases, 10^9 nodes once expanded. */
function billionLaughs(header = ''): string {
  let text = `${header}lol0: &lol0 "lol"\n`;
  for (let level = 1; level <= 9; level++) {
    const previous = `*lol${level - 1}`;
    text += `lol${level}: &lol${level} [${Array(9).fill(previous).join(', ')}]\n`;
  }
  return text;
}

const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-sec-yaml-'));
  repo = await GitFixtureRepo.create(root, 'bombs');
  await repo.commit({
    'laughs/ok.yaml': configMap,
    'laughs/bomb.yaml': billionLaughs('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n'),
    'hidden/ok.yaml': configMap,
    // Not a manifest at first sight: a directory source would skip an unrelated YAML file.
    'hidden/ci-anchors.yaml': billionLaughs(),
    'deep/ok.yaml': configMap,
    'deep/nested.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(1_000_000)}\n`,
    'deep-block/nested.yaml': `apiVersion: v1\nkind: List\nitems:\n${'- '.repeat(200_000)}x\n`,
  });
  const git = new GitMirrorCache({ cacheDir: join(root, 'cache'), workDir: root, allowFileUrls: true });
  renderer = new ManifestRenderer({ git, cache: new InMemoryManifestCache() });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function renderFailure(path: string): Promise<RenderError> {
  const failure = await renderer
    .render({ appName: 'bombs', source: { repoURL: repo.fileUrl, targetRevision: 'main', path } })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(failure).toBeInstanceOf(RenderError);
  return failure as RenderError;
}

describe('YAML bombs from Git', () => {
  it('billion laughs: a manifest whose aliases expand to 10^9 nodes is a render error naming the file', async () => {
    const err = await renderFailure('laughs');
    expect(err.code).toBe('manifest-too-complex');
    expect(err.field).toBe('spec.source.path');
    expect(err.message).toMatch(/^bomb\.yaml: document 1 expands its aliases to more than 1000 nodes/);
  });

  it('billion laughs in a YAML file that does not look like a manifest is refused, not skipped', async () => {
    const err = await renderFailure('hidden');
    expect(err.code).toBe('manifest-too-complex');
    expect(err.message).toMatch(/^ci-anchors\.yaml: /);
  });

  it('deep nesting: a million nested flow sequences is refused by line, quickly, without exhausting the process', async () => {
    const started = Date.now();
    const err = await renderFailure('deep');
    expect(err.code).toBe('manifest-too-complex');
    expect(err.message).toMatch(/^nested\.yaml: YAML nested deeper than 500 levels at line 6/);
    // Before: ~10 s of parsing per render, or the worker dying out of memory.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('deep nesting: 200,000 compact block sequences on one line are refused too', async () => {
    const err = await renderFailure('deep-block');
    expect(err.code).toBe('manifest-too-complex');
    expect(err.message).toMatch(/^nested\.yaml: YAML nested deeper than 500 levels at line 4/);
  });
});
