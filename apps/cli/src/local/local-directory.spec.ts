import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../http/cli-error';
import { localDirectory } from './local-directory';

let root: string;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'berth-local-dir-')));
  await mkdir(join(root, 'repo', 'apps', 'web'), { recursive: true });
  await writeFile(join(root, 'file.yaml'), 'kind: ConfigMap\n');
  await symlink(join(root, 'repo', 'apps', 'web'), join(root, 'link'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(CliError);
      return (error as CliError).lines.join('\n');
    },
  );

describe('localDirectory', () => {
  it('is DIR itself by default: the render is confined to it', async () => {
    const dir = join(root, 'repo', 'apps', 'web');
    expect(await localDirectory(dir, undefined)).toEqual({ root: dir, dir, path: '.' });
  });

  it('with --local-repo-root, the path of DIR in it (symlinks resolved)', async () => {
    expect(await localDirectory(join(root, 'link'), join(root, 'repo'))).toEqual({
      root: join(root, 'repo'),
      dir: join(root, 'repo', 'apps', 'web'),
      path: 'apps/web',
    });
  });

  it.each([
    [
      'a missing DIR',
      () => localDirectory(join(root, 'nope'), undefined),
      /^--local \S+nope: no such directory/,
    ],
    [
      'a file as DIR',
      () => localDirectory(join(root, 'file.yaml'), undefined),
      /^--local \S+file\.yaml: not a directory/,
    ],
    [
      'a missing root',
      () => localDirectory(join(root, 'repo'), join(root, 'nope')),
      /^--local-repo-root \S+nope: no such directory/,
    ],
    [
      'DIR outside the root',
      () => localDirectory(join(root, 'repo'), join(root, 'repo', 'apps')),
      /^--local \S+ is not inside --local-repo-root /,
    ],
  ])('refuses %s in one line naming the flag', async (_, run, message) => {
    const text = await refusal(run());
    expect(text).toMatch(message);
    expect(text.split('\n')).toHaveLength(1);
  });
});
