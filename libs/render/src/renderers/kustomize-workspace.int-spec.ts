import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTools } from '../tools/tool-locator';
import { renderKustomize } from './kustomize.renderer';

// The workspace hard-links the shared tree: kustomize options must edit the workspace copy only.
let root: string;
let tree: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-kws-'));
  tree = join(root, 'tree');
  await mkdir(join(tree, 'app'), { recursive: true });
  await writeFile(join(tree, 'app', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  await writeFile(join(tree, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderKustomize in a workspace', () => {
  it('applies options to its own copy: the shared tree keeps its kustomization, and the workspace is removed', async () => {
    const run = {
      kustomize: findTools().kustomize,
      timeoutMs: 60_000,
      maxOutputBytes: 1e6,
      treeRoot: tree,
      workDir: root,
    };
    const before = await readFile(join(tree, 'app', 'kustomization.yaml'), 'utf8');
    const prefixed = await renderKustomize(join(tree, 'app'), { namePrefix: 'prod-' }, run);
    expect(prefixed.map((o) => o.metadata.name)).toEqual(['prod-cm']);
    expect(await readFile(join(tree, 'app', 'kustomization.yaml'), 'utf8')).toBe(before);
    const plain = await renderKustomize(join(tree, 'app'), undefined, run);
    expect(plain.map((o) => o.metadata.name)).toEqual(['cm']);
    expect((await stat(join(tree, 'app', 'cm.yaml'))).nlink).toBe(1);
  });
});
