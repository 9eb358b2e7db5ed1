import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RenderError } from '../render.error';
import { detectSourceType } from './source-type.detector';
import { renderDirectory } from './directory.renderer';

let root: string;

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-dir-spec-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderDirectory', () => {
  it('orders by path then document, whatever order the files were written in', async () => {
    const dir = await tree('order', {
      'z.yaml': cm('z'),
      'b.yaml': `${cm('b1')}---\n${cm('b2')}`,
      'a/c.yaml': cm('nested'),
    });
    const names = (await renderDirectory(dir, { recurse: true }, { maxTotalBytes: 1e6 })).map(
      (o) => o.metadata.name,
    );
    expect(names).toEqual(['nested', 'b1', 'b2', 'z']);
  });

  it('names the file and line of invalid YAML', async () => {
    const dir = await tree('broken', {
      'ok.yaml': cm('ok'),
      'bad.yaml': `${cm('bad')}  labels: [unclosed\n`,
    });
    const err = await renderDirectory(dir, undefined, { maxTotalBytes: 1e6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).message).toMatch(/^bad\.yaml: invalid YAML at line \d+/);
  });

  it('refuses a document without kind in a manifest file', async () => {
    const dir = await tree('nokind', { 'x.yaml': `${cm('a')}---\napiVersion: v1\nmetadata:\n  name: b\n` });
    await expect(renderDirectory(dir, undefined, { maxTotalBytes: 1e6 })).rejects.toThrow(
      /x\.yaml: document 2 has no apiVersion or kind/,
    );
  });

  it('refuses Jsonnet without a way to evaluate it rather than silently skipping it', async () => {
    const dir = await tree('jsonnet', { 'main.jsonnet': '{}', 'lib.libsonnet': '{}' });
    await expect(renderDirectory(dir, undefined, { maxTotalBytes: 1e6 })).rejects.toMatchObject({
      code: 'unsupported-source',
    });
    // .libsonnet files are only imported (Argo CD evaluates *.jsonnet): alone they are ignored.
    const libOnly = await tree('libsonnet', { 'lib.libsonnet': '{}', 'a.yaml': cm('a') });
    expect(await renderDirectory(libOnly, undefined, { maxTotalBytes: 1e6 })).toHaveLength(1);
  });

  it('stops at the byte limit', async () => {
    const dir = await tree('big', { 'a.yaml': cm('a'), 'b.yaml': cm('b') });
    await expect(renderDirectory(dir, undefined, { maxTotalBytes: 60 })).rejects.toMatchObject({
      code: 'output-too-large',
    });
  });
});

describe('detectSourceType', () => {
  it.each([
    ['helm', { 'Chart.yaml': 'name: x\n' }, {}, 'Helm'],
    ['kustomize', { 'kustomization.yaml': 'resources: []\n' }, {}, 'Kustomize'],
    ['Kustomization file name', { Kustomization: 'resources: []\n' }, {}, 'Kustomize'],
    [
      'kustomization wins over Chart.yaml',
      { 'Chart.yaml': 'name: x\n', 'kustomization.yml': '{}\n' },
      {},
      'Kustomize',
    ],
    ['plain', { 'a.yaml': cm('a') }, {}, 'Directory'],
    ['nested chart does not count', { 'sub/Chart.yaml': 'name: x\n' }, {}, 'Directory'],
    [
      'explicit directory block wins',
      { 'Chart.yaml': 'name: x\n' },
      { directory: { recurse: true } },
      'Directory',
    ],
    ['explicit helm block wins', { 'a.yaml': cm('a') }, { helm: {} }, 'Helm'],
  ])('%s', async (name, files, extra, expected) => {
    const dir = await tree(`detect-${name.replace(/\W/g, '-')}`, files);
    expect(detectSourceType({ repoURL: 'x', ...extra }, dir)).toBe(expected);
  });

  it('refuses two explicit types', () => {
    expect(() => detectSourceType({ repoURL: 'x', helm: {}, kustomize: {} }, root)).toThrow(
      /sets helm and kustomize options/,
    );
  });
});
