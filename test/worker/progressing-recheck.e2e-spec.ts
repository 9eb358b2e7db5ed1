import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guestbook, under, WorkerHarness } from './worker-harness';

// Berth does not watch the cluster: an app whose rollout is still going must be looked at again
// soon, not at the next periodic refresh (found by the benchmark: apps stayed Progressing for 120 s).
describe('a Progressing app is compared again shortly', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
    // An image that cannot be pulled keeps the rollout Progressing until its deadline (10 s x timeScale 0.01 = 100 ms,
    // so use a long deadline here).
    const files = guestbook('nginx:doesnotexist');
    files['deployment.yaml'] = files['deployment.yaml'].replace(
      'progressDeadlineSeconds: 10',
      'progressDeadlineSeconds: 3600',
    );
    await h.repo.commit(under('rolling', files));
  }, 60_000);
  afterAll(async () => h?.stop());

  it('queues one delayed recheck while Progressing, however many refreshes see it', async () => {
    await h.createApp('rolling', 'rolling');
    const operationId = await h.requestSync('rolling');
    await h.sync().process({ application: 'rolling', operationId });
    const first = await h.refresh().process({ application: 'rolling', hard: false, reason: 'test' });
    expect(first.healthStatus).toBe('Progressing');
    await h.refresh().process({ application: 'rolling', hard: false, reason: 'test' });
    const delayed = (await h.deps.queues.refresh.getDelayed()).filter(
      (j) => j.data.application === 'rolling',
    );
    expect(delayed.map((j) => j.data.reason)).toEqual(['progressing']);
    expect(delayed[0]!.opts.delay).toBe(5000);
  });
});
