import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer } from '@berth/testing';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { errorOf } from '../testing/api-answer';

/**
 * RBAC on every endpoint class (docs/rbac.md), with Argo CD's argocd-rbac-cm as an operator writes it: the
 * admin, a role:readonly account, a developer bound to a project role, the project's CI token, an SSO group
 * and an anonymous caller, each tried against what the policy says they may and may not do.
 */

const SSO_ISSUER = 'https://idp.example.org';

const RBAC = `policy.csv: |
  g, rita, role:readonly
  g, alice, proj:team-a:developer
  g, my-org:auditors, role:readonly
  p, role:ops, clusters, get, *, allow
  p, role:ops, applications, get, */*, allow
  p, role:ops, applications, sync, */*, allow
  p, role:ops, applications, sync, team-a/frozen, deny
  g, olga, role:ops
policy.default: ""
scopes: "[groups, email]"
`;

const TEAM_A = JSON.stringify({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'team-a' },
  spec: {
    sourceRepos: ['*'],
    destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'team-a-*' }],
    roles: [
      {
        name: 'developer',
        policies: [
          'p, proj:team-a:developer, applications, get, team-a/*, allow',
          'p, proj:team-a:developer, applications, create, team-a/*, allow',
          'p, proj:team-a:developer, applications, update, team-a/*, allow',
          'p, proj:team-a:developer, applications, sync, team-a/*, allow',
        ],
      },
      {
        name: 'ci',
        policies: [
          'p, proj:team-a:ci, applications, get, team-a/*, allow',
          'p, proj:team-a:ci, applications, sync, team-a/*, allow',
        ],
      },
    ],
  },
});

const app = (name: string, project: string, namespace: string) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project,
      source: { repoURL: 'https://github.com/acme/apps.git', targetRevision: 'HEAD', path: name },
      destination: { server: 'https://kubernetes.default.svc', namespace },
    },
  });

let s: TestScheduler;
let ciToken: string;
let ciIat: number;
let ssoToken: string;

type Caller = 'admin' | 'rita' | 'alice' | 'olga' | 'ci' | 'sso' | 'anonymous';

function as(caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  if (caller === 'ci') return bearer(ciToken);
  if (caller === 'sso') return bearer(ssoToken);
  return s.as(caller);
}

beforeAll(async () => {
  s = await startTestScheduler(
    { BERTH_ACCOUNTS_SECRET_OIDC_CLIENTSECRET: 'not-used-here' },
    {
      accounts: ['rita', 'alice', 'olga'],
      rbac: RBAC,
      accountsConfig: {
        url: 'https://berth.example.com',
        'oidc.config': `name: IdP\nissuer: ${SSO_ISSUER}\nclientID: berth\nclientSecret: $oidc.clientSecret\n`,
      },
    },
  );
  expect(s.ctx.rbac.status()).toMatchObject({ status: 'ok', errors: [] });
  expect((await s.http.post('/api/v1/projects').send(TEAM_A)).status).toBe(200);
  expect((await s.http.post('/api/v1/applications').send(app('web', 'team-a', 'team-a-web'))).status).toBe(
    200,
  );
  expect(
    (await s.http.post('/api/v1/applications').send(app('frozen', 'team-a', 'team-a-frozen'))).status,
  ).toBe(200);
  expect((await s.http.post('/api/v1/applications').send(app('infra', 'default', 'infra'))).status).toBe(200);
  const issued = await s.http.post('/api/v1/projects/team-a/roles/ci/token').send({ expiresIn: '3600' });
  expect(issued.status).toBe(200);
  ciToken = (issued.body as { token: string }).token;
  ciIat = (JSON.parse(Buffer.from(ciToken.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat;
  // An SSO session as the OIDC callback signs it (sso-oidc.e2e-spec runs the real provider flow).
  const iat = Math.floor(Date.now() / 1000);
  ssoToken = await s.ctx.auth.codec.sign({
    sub: 'idp-user-7',
    jti: randomUUID(),
    iat,
    exp: iat + 3600,
    sso: { iss: SSO_ISSUER, email: 'dana@example.org', groups: ['my-org:auditors'] },
  });
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('authorization: every endpoint class as each role', () => {
  // [what, caller, request, expected status]; ALLOWED: past RBAC, whatever the operation then answers (a
  // sync while another one is pending is 409: no worker runs here).
  const cases: Array<[string, Caller, () => request.Test, number]> = [];
  const get = (path: string) => () => request(s.app.getHttpServer()).get(path);
  const post = (path: string, body?: string | object) => () =>
    request(s.app.getHttpServer())
      .post(path)
      .send(body ?? {});
  const put = (path: string, body: string) => () => request(s.app.getHttpServer()).put(path).send(body);
  const del = (path: string) => () => request(s.app.getHttpServer()).delete(path);
  const ALLOWED = 0;
  const table: Array<[string, () => request.Test, Record<Caller, number>]> = [
    [
      'GET a team-a app',
      get('/api/v1/applications/web'),
      { admin: 200, rita: 200, alice: 200, olga: 200, ci: 200, sso: 200, anonymous: 401 },
    ],
    [
      'GET a default-project app',
      get('/api/v1/applications/infra'),
      { admin: 200, rita: 200, alice: 403, olga: 200, ci: 403, sso: 200, anonymous: 401 },
    ],
    [
      'GET an app that does not exist',
      get('/api/v1/applications/nowhere'),
      { admin: 404, rita: 404, alice: 403, olga: 404, ci: 403, sso: 404, anonymous: 401 },
    ],
    [
      'sync a team-a app (dry run)',
      post('/api/v1/applications/web/sync', { dryRun: true }),
      { admin: ALLOWED, rita: 403, alice: ALLOWED, olga: ALLOWED, ci: ALLOWED, sso: 403, anonymous: 401 },
    ],
    [
      'sync the app a deny line names',
      post('/api/v1/applications/frozen/sync', { dryRun: true }),
      { admin: ALLOWED, rita: 403, alice: ALLOWED, olga: 403, ci: ALLOWED, sso: 403, anonymous: 401 },
    ],
    [
      'sync a default-project app',
      post('/api/v1/applications/infra/sync', { dryRun: true }),
      { admin: ALLOWED, rita: 403, alice: 403, olga: ALLOWED, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'update a team-a app',
      put('/api/v1/applications/web', app('web', 'team-a', 'team-a-web')),
      { admin: 200, rita: 403, alice: 200, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'move a team-a app to a project the caller has no right in (and that does not exist)',
      put('/api/v1/applications/web', app('web', 'team-b', 'team-a-web')),
      { admin: 400, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'create an app in the default project',
      post('/api/v1/applications', app('new-default', 'default', 'misc')),
      { admin: 200, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'GET project team-a',
      get('/api/v1/projects/team-a'),
      { admin: 200, rita: 200, alice: 200, olga: 403, ci: 200, sso: 200, anonymous: 401 },
    ],
    [
      'GET project default',
      get('/api/v1/projects/default'),
      { admin: 200, rita: 200, alice: 403, olga: 403, ci: 403, sso: 200, anonymous: 401 },
    ],
    [
      'create a project',
      post(
        '/api/v1/projects',
        JSON.stringify({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AppProject',
          metadata: { name: 'team-z' },
          spec: {},
        }),
      ),
      { admin: 200, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'GET a cluster',
      get('/api/v1/clusters/in-cluster'),
      { admin: 200, rita: 200, alice: 403, olga: 200, ci: 403, sso: 200, anonymous: 401 },
    ],
    [
      'register a repository',
      post('/api/v1/repositories', { repo: 'https://github.com/acme/none.git', type: 'helm' }),
      { admin: 200, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'the whole audit log',
      get('/api/v1/audit'),
      { admin: 200, rita: 200, alice: 403, olga: 200, ci: 403, sso: 200, anonymous: 401 },
    ],
    [
      "one team-a app's audit rows",
      get('/api/v1/audit?application=web'),
      { admin: 200, rita: 200, alice: 200, olga: 200, ci: 200, sso: 200, anonymous: 401 },
    ],
    [
      'GET the admin account',
      get('/api/v1/account/admin'),
      { admin: 200, rita: 200, alice: 403, olga: 403, ci: 403, sso: 200, anonymous: 401 },
    ],
    [
      'issue a token of project team-a',
      post('/api/v1/projects/team-a/roles/ci/token', {}),
      { admin: 200, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
    [
      'delete a team-a app',
      del('/api/v1/applications/frozen?cascade=false'),
      // Argo CD's Delete answers 200 {} (#23.1).
      { admin: 200, rita: 403, alice: 403, olga: 403, ci: 403, sso: 403, anonymous: 401 },
    ],
  ];
  for (const [what, req, expected] of table)
    for (const caller of Object.keys(expected) as Caller[]) cases.push([what, caller, req, expected[caller]]);

  // The admin's rows last: its create/delete would change what later rows find.
  const ordered = [...cases.filter((c) => c[1] !== 'admin'), ...cases.filter((c) => c[1] === 'admin')];
  it.each(ordered)('%s as %s', async (_what, caller, req, status) => {
    const res = await req().set(as(caller));
    if (status === ALLOWED) {
      const passed = res.status === 200 || res.status === 409;
      expect({ passed, status: res.status, body: passed ? undefined : (res.body as unknown) }).toEqual({
        passed: true,
        status: res.status,
        body: undefined,
      });
      return;
    }
    expect({ status: res.status, body: res.status === status ? undefined : (res.body as unknown) }).toEqual({
      status,
      body: undefined,
    });
    if (status === 403) expect(errorOf(res).message).toMatch(/^permission denied: /);
  });
});

describe('authorization: what each caller sees and may ask', () => {
  it('lists only what the caller may get', async () => {
    const names = async (caller: Caller) =>
      (
        (await request(s.app.getHttpServer()).get('/api/v1/applications').set(as(caller))).body as {
          items: Array<{ metadata: { name: string } }>;
        }
      ).items
        .map((a) => a.metadata.name)
        .sort();
    expect(await names('rita')).toEqual(expect.arrayContaining(['infra', 'web']));
    expect(await names('alice')).not.toContain('infra');
    expect(await names('alice')).toContain('web');
    expect(await names('ci')).not.toContain('infra');
    const projects = await request(s.app.getHttpServer()).get('/api/v1/projects').set(as('alice'));
    expect(
      (projects.body as { items: Array<{ metadata: { name: string } }> }).items.map((p) => p.metadata.name),
    ).toEqual(['team-a']);
  });

  it('can-i answers for the caller, as `argocd account can-i`', async () => {
    const canI = async (caller: Caller, path: string) =>
      (
        (await request(s.app.getHttpServer()).get(`/api/v1/account/can-i/${path}`).set(as(caller))).body as {
          value: string;
        }
      ).value;
    expect(await canI('alice', 'applications/sync/team-a/web')).toBe('yes');
    expect(await canI('alice', 'applications/sync/default/infra')).toBe('no');
    expect(await canI('olga', 'applications/sync/team-a/frozen')).toBe('no');
    expect(await canI('rita', 'applications/get/default/infra')).toBe('yes');
    expect(await canI('sso', 'applications/delete/default/infra')).toBe('no');
  });

  it('audit rows carry the real subject: an account, the project token, an SSO user', async () => {
    expect(
      (await request(s.app.getHttpServer()).post('/api/v1/applications/web/refresh').set(as('ci'))).status,
    ).toBeLessThan(300);
    await request(s.app.getHttpServer())
      .put('/api/v1/applications/web')
      .set(as('alice'))
      .set('X-Reason', 'scale out')
      .send(app('web', 'team-a', 'team-a-web2'));
    const rows = await s.db.dataSource.query<Array<{ actor: string; event_type: string; reason: string }>>(
      `SELECT actor, event_type, reason FROM audit_log WHERE application = 'web' ORDER BY position`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'admin', event_type: 'ApplicationCreated' }),
        expect.objectContaining({
          actor: 'alice',
          event_type: 'ApplicationSpecChanged',
          reason: 'scale out',
        }),
        expect.objectContaining({ actor: 'proj:team-a:ci', event_type: 'RefreshRequested' }),
      ]),
    );
    const issued = await s.db.dataSource.query<Array<{ actor: string; summary: string }>>(
      `SELECT actor, summary FROM audit_log WHERE event_type = 'ProjectRoleTokenIssued' ORDER BY position LIMIT 1`,
    );
    expect(issued[0]?.actor).toBe('admin');
    expect(issued[0]?.summary).toMatch(
      /^issued token [-0-9a-f]{36} for role ci of project team-a, expiring /,
    );
  });

  it('a project token revoked on one scheduler replica is refused by another at once', async () => {
    const second = await createSchedulerApp(s.ctx.config);
    await second.app.init();
    try {
      const other = request(second.app.getHttpServer());
      expect((await other.get('/api/v1/applications/web').set(as('ci'))).status).toBe(200);
      const revoked = await s.http.delete(`/api/v1/projects/team-a/roles/ci/token/${ciIat}`);
      expect(revoked.status).toBe(200);
      const refused = await other.get('/api/v1/applications/web').set(as('ci'));
      expect(refused.status).toBe(401);
      expect(errorOf(refused).message).toMatch(/project team-a has no token with id .* for role ci/);
      // A project PUT without jwtTokens keeps issued tokens; this one was revoked and stays so.
      const project = await s.http.get('/api/v1/projects/team-a');
      expect(JSON.stringify(project.body)).not.toContain(String(ciIat));
    } finally {
      await second.app.close();
      await second.ctx.close();
    }
  });

  it('a project PUT that leaves out jwtTokens keeps the tokens issued; the token still works', async () => {
    const issued = await s.http.post('/api/v1/projects/team-a/roles/developer/token').send({ id: 'dev-1' });
    expect(issued.status).toBe(200);
    const token = (issued.body as { token: string }).token;
    expect((await s.http.put('/api/v1/projects/team-a').send(TEAM_A)).status).toBe(200);
    const read = await request(s.app.getHttpServer()).get('/api/v1/applications/web').set(bearer(token));
    expect(read.status).toBe(200);
    const again = await s.http.post('/api/v1/projects/team-a/roles/developer/token').send({ id: 'dev-1' });
    expect(again.status).toBe(409);
  });

  it('a reloaded policy counts at once: binding rita to role:admin lets her delete', async () => {
    const { writeFile } = await import('node:fs/promises');
    const canDelete = async () =>
      (
        (
          await request(s.app.getHttpServer())
            .get('/api/v1/account/can-i/applications/delete/default/infra')
            .set(as('rita'))
        ).body as { value: string }
      ).value;
    expect(await canDelete()).toBe('no');
    await writeFile(s.rbacFile, RBAC.replace('g, rita, role:readonly', 'g, rita, role:admin'));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await canDelete()) !== 'yes')
      await new Promise((r) => setTimeout(r, 100));
    expect(await canDelete()).toBe('yes');
  });
});
