import lockfile from 'proper-lockfile';
import { rmdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { diskErrorOf } from '../disk/disk-error';
import { SourceError } from '../source.error';

/** How long a fetch waits for another process's fetch of the same mirror. */
const LOCK_WAIT_MS = 300_000;

/**
 * Locks a mirror directory across processes (proper-lockfile: a `<dir>.lock` directory beside it,
 * stale after 30 s without an update). Only contention is waited out, up to 5 minutes with a backoff
 * of 50 to 500 ms: any other failure to create the lock (EACCES, EROFS, ENOSPC, EDQUOT ...) is a
 * `disk-error` at once. proper-lockfile's own retries retried every error, so a read-only data dir
 * stalled each refresh for five minutes with nothing to show for it (issue #24).
 */
export async function lockMirror(dir: string, waitMs = LOCK_WAIT_MS): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  await removeAbandonedLock(dir);
  // A lock whose updates failed past the stale time (the disk went away mid-fetch) is compromised:
  // proper-lockfile's default throws from a timer and takes the process down. The fetch's own result
  // stands; the lock is simply not released again.
  let compromised = false;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      const release = await lockfile.lock(dir, {
        stale: 30_000,
        update: 10_000,
        retries: 0,
        realpath: false,
        onCompromised: () => {
          compromised = true;
        },
      });
      return async () => {
        if (compromised) return;
        await release().catch(async (err: unknown) => {
          const disk = diskErrorOf(err, 'git mirror lock', `${dir}.lock`);
          if (disk) await rememberAbandonedLock(dir);
          throw disk ?? err;
        });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED')
        throw diskErrorOf(err, 'git mirror lock', `${dir}.lock`) ?? err;
      if (Date.now() + delay > deadline) {
        throw new SourceError(
          'git-failed',
          `another fetch has held the git mirror ${dir} for over ${Math.round(waitMs / 1000)} s; it is retried`,
          undefined,
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }
}

/**
 * Lock dirs this process could not remove (the disk refused the write), with the mtime they had then.
 * Left alone, such a lock held every later fetch of the mirror back until it went stale, 30 s after it
 * was last touched, long after the disk was writable again (issue #24: a data dir read-only for 10 s
 * during a fetch cost 20 s more).
 */
const abandoned = new Map<string, number>();

async function rememberAbandonedLock(dir: string): Promise<void> {
  const mtimeMs = await stat(`${dir}.lock`).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (mtimeMs !== undefined) abandoned.set(dir, mtimeMs);
}

/**
 * Removes a lock this process abandoned, unless another process took it over since (proper-lockfile
 * takes a stale lock over by making a new lock dir: a new mtime). A disk that still refuses the removal
 * fails the fetch at once with its errno, as a lock it could not create would.
 */
async function removeAbandonedLock(dir: string): Promise<void> {
  const mtimeMs = abandoned.get(dir);
  if (mtimeMs === undefined) return;
  const lockDir = `${dir}.lock`;
  const current = await stat(lockDir).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (current !== mtimeMs) {
    abandoned.delete(dir);
    return;
  }
  try {
    await rmdir(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw diskErrorOf(err, 'git mirror lock', lockDir) ?? err;
  }
  abandoned.delete(dir);
}
