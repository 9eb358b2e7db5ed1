import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  errnoOf,
  makeReadOnly,
  readOnlyFaultAvailable,
  restoreAllReadOnly,
} from '@berth/sources/testing/read-only-dir';
import { join } from 'node:path';
import { guestbook, under, WorkerHarness } from './worker-harness';

// A real fault on the worker's git cache (the data dir's `git/`): chmod 0555 as a user, a read-only
// bind mount as root (chmod does not stop root). Skipped where neither is possible.
const fault = readOnlyFaultAvailable();
const describeFault = fault ? describe : describe.skip;
const errno = fault ? errnoOf(fault) : 'EACCES';

let h: WorkerHarness;

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit(under('web', guestbook()));
}, 60_000);

afterAll(async () => {
  await restoreAllReadOnly();
  await h?.stop();
});

const refresh = (application: string) => h.refresh().process({ application, hard: false, reason: 'test' });

describeFault(`a data dir that refuses writes (${fault ?? 'no fault available'}: ${errno})`, () => {
  it('fails the refresh at once with a ComparisonError naming the path and the errno, and recovers by itself', async () => {
    await h.createApp('web', 'web');
    await refresh('web');
    const before = await h.repo.head();
    expect(await h.view('web')).toMatchObject({ revision: before });

    // A new commit needs a fetch into the mirror, which the cache dir now refuses.
    const next = await h.repo.commit(under('web', guestbook('nginx:1.27', 'changed')));
    const cacheDir = join(h.root, 'git');
    const restore = await makeReadOnly(cacheDir);
    let failed;
    try {
      failed = await refresh('web');
    } finally {
      await restore();
    }
    expect(failed.appended).toEqual(['ConditionRaised', 'SyncStatusChanged']);
    const raised = (await h.events('web')).findLast((e) => e.type === 'ConditionRaised');
    expect(raised?.data).toMatchObject({ conditionType: 'ComparisonError' });
    const message = (raised?.data as { message: string }).message;
    expect(message).toContain(cacheDir);
    expect(message).toContain(errno);
    expect(await h.view('web')).toMatchObject({ sync_status: 'Unknown', revision: before });

    // Writable again: the next refresh (periodic, webhook or user) reaches the new commit.
    const recovered = await refresh('web');
    expect(recovered.appended).toContain('ConditionCleared');
    expect(await h.view('web')).toMatchObject({ revision: next });
    expect(await h.timeline('web')).toContain('ConditionCleared:ComparisonError');
  });
});
