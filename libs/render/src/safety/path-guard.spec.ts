import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppDir, resolveInside } from './path-guard';

let root: string;
let repo: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-guard-'));
  repo = join(root, 'repo');
  outside = join(root, 'outside');
  await mkdir(join(repo, 'chart'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(repo, 'chart', 'values.yaml'), 'a: 1\n');
  await writeFile(join(outside, 'secret.yaml'), 'password: x\n');
  await symlink(join(outside, 'secret.yaml'), join(repo, 'chart', 'leak.yaml'));
  await symlink(outside, join(repo, 'linked-dir'));
  await symlink('values.yaml', join(repo, 'chart', 'alias.yaml'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveInside', () => {
  const field = 'spec.source.helm.valueFiles[0]';
  it.each([
    ['values.yaml', 'values.yaml'],
    ['alias.yaml', 'alias.yaml'],
    ['../chart/values.yaml', 'values.yaml'],
    ['not-there.yaml', 'not-there.yaml'],
  ])('allows %s', async (rel, base) => {
    expect(await resolveInside(repo, join(repo, 'chart'), rel, field)).toBe(join(repo, 'chart', base));
  });

  it.each([
    ['../../outside/secret.yaml', 'path-escape'],
    ['/etc/passwd', 'path-escape'],
    ['leak.yaml', 'symlink-escape'],
    ['../linked-dir/secret.yaml', 'symlink-escape'],
    ['../linked-dir/missing.yaml', 'symlink-escape'],
  ])('refuses %s as %s, naming the field', async (rel, code) => {
    await expect(resolveInside(repo, join(repo, 'chart'), rel, field)).rejects.toMatchObject({ code, field });
  });
});

describe('resolveAppDir', () => {
  it('refuses a path that is a file or missing', async () => {
    await expect(resolveAppDir(repo, 'chart/values.yaml')).rejects.toMatchObject({
      code: 'path-not-found',
      field: 'spec.source.path',
    });
    await expect(resolveAppDir(repo, 'nope')).rejects.toMatchObject({ code: 'path-not-found' });
  });
});
