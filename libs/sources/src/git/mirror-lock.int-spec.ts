import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockMirror } from './mirror-lock';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-mirror-lock-it-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('lockMirror', () => {
  it('takes the lock once the process holding it releases it, instead of failing', async () => {
    const dir = join(root, 'mirror');
    await mkdir(dir);
    const releaseFirst = await lockMirror(dir);
    let secondLocked = false;
    const second = lockMirror(dir).then((release) => {
      secondLocked = true;
      return release;
    });
    expect(secondLocked).toBe(false);
    await releaseFirst();
    await (
      await second
    )();
    expect(secondLocked).toBe(true);
  });

  it('gives up on a lock held past the wait with a retryable error naming the mirror', async () => {
    const dir = join(root, 'busy');
    await mkdir(dir);
    const release = await lockMirror(dir);
    try {
      const failure = await lockMirror(dir, 200).catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: 'git-failed', retryable: true });
      expect((failure as Error).message).toContain(dir);
    } finally {
      await release();
    }
  });
});
