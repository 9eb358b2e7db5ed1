import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubectl } from './find-kubectl';

describe('findKubectl', () => {
  let root: string;
  let explicit: string;
  let repoTool: string;
  let onPath: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'find-kubectl-'));
    explicit = join(root, 'custom-kubectl');
    repoTool = join(root, 'repo', '.tools', 'bin', 'kubectl');
    onPath = join(root, 'bin', 'kubectl');
    await mkdir(join(root, 'repo', '.tools', 'bin'), { recursive: true });
    await mkdir(join(root, 'bin'));
    for (const f of [explicit, repoTool, onPath]) {
      await writeFile(f, '#!/bin/sh\n');
      await chmod(f, 0o755);
    }
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    [
      'KUBECTL_PATH wins',
      () => ({ KUBECTL_PATH: explicit, PATH: join(root, 'bin') }),
      () => join(root, 'repo'),
      () => explicit,
    ],
    [
      'then the repo .tools/bin/kubectl',
      () => ({ PATH: join(root, 'bin') }),
      () => join(root, 'repo'),
      () => repoTool,
    ],
    [
      'then kubectl on PATH',
      () => ({ PATH: join(root, 'bin') }),
      () => join(root, 'elsewhere'),
      () => onPath,
    ],
    [
      'a KUBECTL_PATH that does not exist is skipped',
      () => ({ KUBECTL_PATH: join(root, 'nope'), PATH: join(root, 'bin') }),
      () => join(root, 'elsewhere'),
      () => onPath,
    ],
    [
      'undefined when there is none',
      () => ({ PATH: join(root, 'empty') }),
      () => join(root, 'elsewhere'),
      () => undefined,
    ],
  ])('%s', (_name, env, repo, expected) => {
    expect(findKubectl(env(), repo())).toBe(expected());
  });
});
