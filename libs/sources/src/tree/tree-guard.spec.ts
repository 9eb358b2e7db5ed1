import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoEscapingSymlinks, isInside } from './tree-guard';

let root: string;
let repo: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-tree-guard-'));
  repo = join(root, 'repo');
  const outside = join(root, 'outside');
  await mkdir(join(repo, 'chart'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(repo, 'chart', 'values.yaml'), 'a: 1\n');
  await writeFile(join(outside, 'secret.yaml'), 'password: x\n');
  await symlink(join(outside, 'secret.yaml'), join(repo, 'chart', 'leak.yaml'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('isInside', () => {
  it.each([
    ['/repo', '/repo', true],
    ['/repo', '/repo/a/b', true],
    ['/repo', '/repo/..a', true],
    ['/repo', '/repo-other', false],
    ['/repo', '/', false],
  ])('%s holds %s: %s', (parent, child, inside) => {
    expect(isInside(parent, child)).toBe(inside);
  });
});

describe('assertNoEscapingSymlinks', () => {
  it('names the first link that leaves the tree', async () => {
    await expect(assertNoEscapingSymlinks(repo)).rejects.toMatchObject({
      name: 'SourceError',
      code: 'symlink-escape',
      field: 'spec.source.path',
    });
  });

  it('accepts links that stay inside', async () => {
    const clean = join(root, 'clean');
    await mkdir(clean);
    await writeFile(join(clean, 'a.yaml'), 'x: 1\n');
    await symlink('a.yaml', join(clean, 'b.yaml'));
    await expect(assertNoEscapingSymlinks(clean)).resolves.toBeUndefined();
  });
});
