import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoOf, makeReadOnly, readOnlyFaultAvailable, restoreAllReadOnly } from '../testing/read-only-dir';
import { lockMirror } from './mirror-lock';

// A real fault: chmod 0555 as a user, a read-only bind mount as root; skipped where neither works.
const fault = readOnlyFaultAvailable();
const itFault = fault ? it : it.skip;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-mirror-lock-it-'));
});

afterAll(async () => {
  await restoreAllReadOnly();
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

  itFault(
    'a lock it could not remove while the disk refused writes holds nobody back once the disk is writable',
    async () => {
      // The data dir went read-only while a fetch held the lock: the lock dir stays behind. Before,
      // every fetch then waited for it to go stale (30 s after it was last touched).
      const parent = join(root, 'read-only-during-fetch');
      const dir = join(parent, 'mirror');
      await mkdir(dir, { recursive: true });
      const release = await lockMirror(dir);
      const restore = await makeReadOnly(parent);
      try {
        await expect(release()).rejects.toMatchObject({ code: 'disk-error' });
        // Still read-only: the next fetch fails at once naming the errno, not after waiting out a lock.
        const refused = await lockMirror(dir, 1_000).catch((err: unknown) => err);
        expect(refused).toMatchObject({ code: 'disk-error' });
        expect((refused as Error).message).toContain(errnoOf(fault!));
      } finally {
        await restore();
      }
      // Writable again: the next fetch takes the lock at once (a 1 s wait would end in `git-failed`).
      const again = await lockMirror(dir, 1_000);
      await again();
    },
  );

  itFault('never removes a lock another process holds', async () => {
    const parent = join(root, 'taken-over');
    const dir = join(parent, 'mirror');
    await mkdir(dir, { recursive: true });
    const release = await lockMirror(dir);
    const restore = await makeReadOnly(parent);
    try {
      await expect(release()).rejects.toMatchObject({ code: 'disk-error' });
    } finally {
      await restore();
    }
    // Another process found it stale and took it over: a new lock dir, with a new mtime.
    await rm(`${dir}.lock`, { recursive: true });
    await new Promise((r) => setTimeout(r, 20));
    await mkdir(`${dir}.lock`);
    const failure = await lockMirror(dir, 200).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'git-failed' });
    await rm(`${dir}.lock`, { recursive: true });
  });
});
