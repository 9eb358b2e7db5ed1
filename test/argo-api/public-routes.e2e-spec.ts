import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';
import { recordSyncedStatus } from './testing/recorded-status';

// The routes Argo CD answers before login: a README's status badge, the login page's settings, the
// version a CLI prints. Answers are checked against Argo CD's swagger shapes; the badge against what Argo
// CD's own badge tests read of it (server/badge/badge_test.go).

const SHA = 'aa29b85c0ffee00000000000000000000000beef';

const app = (name: string, project = 'default') => ({
  metadata: { name },
  spec: {
    project,
    source: { repoURL: 'https://git.example.com/org/deploy.git', targetRevision: 'HEAD', path: 'app' },
    destination: { server: 'https://kubernetes.default.svc', namespace: name },
  },
});

/** What Argo CD's badge tests read of a badge (supertest keeps an image's body as bytes). */
function badgeOf(res: { body: unknown; text?: string }) {
  const svg = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : (res.text ?? '');
  return {
    svg,
    left: /id="leftText" [^>]*>([^<]*)/.exec(svg)?.[1],
    right: /id="rightText" [^>]*>([^<]*)/.exec(svg)?.[1],
    leftColour: /id="leftRect" fill="([^"]*)"/.exec(svg)?.[1],
    rightColour: /id="rightRect" fill="([^"]*)"/.exec(svg)?.[1],
    revision: /id="revisionText" [^>]*>([^<]*)/.exec(svg)?.[1],
    title: /id="titleText" [^>]*>([^<]*)/.exec(svg)?.[1],
  };
}

const GREEN = 'rgb(24, 190, 82)';
const PURPLE = 'rgb(178, 102, 255)';
const ORANGE = 'rgb(244, 192, 48)';
const RED = 'rgb(233, 109, 118)';

async function seed(scheduler: TestScheduler): Promise<void> {
  for (const [name, project] of [
    ['web', 'default'],
    ['api', 'default'],
  ] as const) {
    expect((await scheduler.http.post('/api/v1/applications').send(app(name, project))).status).toBe(200);
  }
  await recordSyncedStatus(scheduler.ctx, 'web', { revision: SHA, sync: 'Synced', health: 'Healthy' });
  await recordSyncedStatus(scheduler.ctx, 'api', { revision: SHA, sync: 'OutOfSync', health: 'Degraded' });
}

describe('Argo CD client: public routes', () => {
  let root: string;
  let plain: TestScheduler;
  let configured: TestScheduler;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-argo-public-'));
    const customizations = join(root, 'customizations');
    await mkdir(join(customizations, 'cert-manager.io', 'Certificate'), { recursive: true });
    await writeFile(
      join(customizations, 'cert-manager.io', 'Certificate', 'health.lua'),
      'hs = {}\nhs.status = "Healthy"\nreturn hs\n',
    );
    plain = await startTestScheduler({ BERTH_DATA_DIR: join(root, 'plain') });
    configured = await startTestScheduler({
      BERTH_DATA_DIR: join(root, 'configured'),
      BERTH_URL: 'https://berth.example.com',
      BERTH_STATUS_BADGE_ENABLED: 'true',
      BERTH_UI_BANNER_CONTENT: 'Deploy freeze <Friday> & weekend',
      BERTH_UI_BANNER_POSITION: 'top',
      BERTH_RESOURCE_CUSTOMIZATIONS_DIR: customizations,
    });
    await seed(plain);
    await seed(configured);
  });

  afterAll(async () => {
    await plain?.close();
    await configured?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("GET /api/version answers Argo CD's VersionMessage with Berth's version", async () => {
    const res = await plain.http.get('/api/version');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('version-message', res.body)).toEqual([]);
    const { version } = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(res.body).toMatchObject({
      Version: `v${version}`,
      Platform: expect.stringMatching(/^[a-z0-9]+\/[a-z0-9]+$/) as unknown,
      HelmVersion: expect.stringMatching(/^v\d+\./) as unknown,
    });
  });

  it("GET /api/v1/settings answers the public subset of Argo CD's Settings, nothing secret", async () => {
    const res = await plain.http.get('/api/v1/settings');
    expect(res.status).toBe(200);
    expect(argoShapeProblems('settings', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      statusBadgeEnabled: false,
      trackingMethod: 'annotation',
      resourceOverrides: {},
    });
    expect(JSON.stringify(res.body)).not.toMatch(/postgres|redis|secret/i);
    // No SSO configured: no oidcConfig, as Argo CD leaves it out.
    expect(res.body).not.toHaveProperty('oidcConfig');
  });

  it('settings carry the URL, the banner and the resource overrides an operator configured', async () => {
    const res = await configured.http.get('/api/v1/settings');
    expect(argoShapeProblems('settings', res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      url: 'https://berth.example.com',
      statusBadgeEnabled: true,
      uiBannerContent: 'Deploy freeze <Friday> & weekend',
      uiBannerPosition: 'top',
      resourceOverrides: {
        'cert-manager.io/Certificate': { healthLua: 'hs = {}\nhs.status = "Healthy"\nreturn hs\n' },
      },
    });
  });

  it('the badge, while statusbadge.enabled is off: Unknown/Unknown for anything, revealing nothing', async () => {
    for (const query of ['name=web', 'name=nope', 'project=default']) {
      const res = await plain.http.get(`/api/badge?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(badgeOf(res)).toMatchObject({
        left: 'Unknown',
        right: 'Unknown',
        leftColour: PURPLE,
        rightColour: PURPLE,
      });
    }
  });

  it("the badge of an app: its health and sync in Argo CD's colours, its revision and name when asked", async () => {
    const res = await configured.http.get('/api/badge?name=web');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(badgeOf(res)).toMatchObject({
      left: 'Healthy',
      right: 'Synced',
      leftColour: GREEN,
      rightColour: GREEN,
      revision: '',
    });
    const degraded = await configured.http.get('/api/badge?name=api&revision=true&showAppName=true');
    expect(badgeOf(degraded)).toMatchObject({
      left: 'Degraded',
      right: 'OutOfSync',
      leftColour: RED,
      rightColour: ORANGE,
      revision: '(aa29b85)',
      title: 'api',
    });
    expect(badgeOf(degraded).svg).toMatch(/^<svg width="192" height="40"/);
    const full = await configured.http.get(
      '/api/badge?name=api&revision=true&keepFullRevision=true&width=450',
    );
    expect(badgeOf(full).revision).toBe(`(${SHA})`);
    expect(badgeOf(full).svg).toMatch(/^<svg width="450" height="20"/);
  });

  it('the badge of a project: the worst of its apps; of an unknown app: Not Found', async () => {
    const project = await configured.http.get('/api/badge?project=default');
    expect(badgeOf(project)).toMatchObject({ left: 'Degraded', right: 'OutOfSync' });
    const none = await configured.http.get('/api/badge?project=other');
    expect(badgeOf(none)).toMatchObject({ left: 'Unknown', right: 'Unknown' });
    const missing = await configured.http.get('/api/badge?name=nope&revision=true');
    expect(badgeOf(missing)).toMatchObject({ left: 'Not Found', right: '', revision: '' });
    const elsewhere = await configured.http.get('/api/badge?name=web&namespace=other');
    expect(badgeOf(elsewhere).left).toBe('Not Found');
  });

  it('a malformed name or project is a 400 naming it; unknown parameters are ignored as by Argo CD', async () => {
    for (const query of ['name=%3Cscript%3E', 'project=a%2Fb', 'namespace=Not_A_Namespace']) {
      const res = await configured.http.get(`/api/badge?${query}`);
      expect(res.status).toBe(400);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
    }
    const busted = await configured.http.get('/api/badge?name=web&cachebust=123');
    expect(badgeOf(busted).left).toBe('Healthy');
  });
});
