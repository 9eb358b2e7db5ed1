import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '../../libs/event-store/src/testing/test-database';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthProcess } from './berth-process';
import { errorOf, issuesOf, warningsOf } from '../testing/api-answer';

// Input of the wrong type, range or shape: each used to be a 500, or worse, was read as something
// else than what was sent. Every answer now is a 400 whose `issues` name the field, in the format of
// the Application validator ({field, message, fix}).

const application = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example.com/org/deploy.git', path: 'app', targetRevision: 'HEAD' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
    ...extra,
  },
});

interface Answer {
  status: number;
  body: { issues?: Array<{ field: string; message: string; fix?: string }>; message?: string };
}

const fieldsOf = (res: Answer) => (res.body.issues ?? []).map((i) => i.field);

describe('mistyped and out-of-range API input (scheduler, real Postgres and Redis)', () => {
  let scheduler: TestScheduler;
  let db: TestDatabase;
  let http: TestScheduler['http'];

  const syncRequests = async (app: string) =>
    (
      await db.dataSource.query<Array<{ data: Record<string, unknown> }>>(
        `SELECT data FROM events WHERE stream_id = $1 AND type = 'SyncRequested' ORDER BY stream_version`,
        [`application-${app}`],
      )
    ).map((r) => r.data);

  beforeAll(async () => {
    scheduler = await startTestScheduler();
    ({ db, http } = scheduler);
    for (const name of ['types', 'argo-shape', 'keep-me'])
      expect((await http.post('/api/v1/applications').send(application(name))).status).toBe(200);
  });
  afterAll(async () => {
    await scheduler.close();
  });

  it('prototype keys: __proto__ in an Application, an AppProject or a sync body is refused with 400 naming the field, never a 500', async () => {
    const app = await http
      .post('/api/v1/applications')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(application('proto')).replace('"spec":{', '"spec":{"__proto__":{"x":1},'));
    expect(app.status).toBe(400);
    expect(fieldsOf(app)).toEqual(['spec.__proto__']);
    const project = await http
      .post('/api/v1/projects')
      .set('Content-Type', 'application/json')
      .send(
        '{"apiVersion":"argoproj.io/v1alpha1","kind":"AppProject","metadata":{"name":"p"},"spec":{"__proto__":1}}',
      );
    expect(project.status).toBe(400);
    expect(fieldsOf(project)).toEqual(['spec.__proto__']);
    const sync = await http
      .post('/api/v1/applications/types/sync')
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"prune": true}}');
    expect(sync.status).toBe(400);
    expect(fieldsOf(sync)).toEqual(['__proto__']);
    expect(await syncRequests('types')).toEqual([]);
  });

  it('prototype keys: constructor, toString and hasOwnProperty as fields or sync options never reach Object.prototype (no 500)', async () => {
    const methods = await http
      .post('/api/v1/applications')
      .send(application('methods', { toString: 1, hasOwnProperty: 2 }));
    expect(methods.status).toBe(200);
    expect(warningsOf(methods)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^spec\.toString: unknown field/)]),
    );
    const options = await http
      .post('/api/v1/applications')
      .send(application('options', { syncPolicy: { syncOptions: ['constructor=true', '__proto__=x'] } }));
    expect(options.status).toBe(400);
    expect(fieldsOf(options)).toEqual(['spec.syncPolicy.syncOptions[0]', 'spec.syncPolicy.syncOptions[1]']);
    const constructorKey = await http
      .post('/api/v1/applications')
      .send({ ...application('ctor'), metadata: { name: 'ctor', constructor: { a: 1 } } });
    expect(warningsOf(constructorKey)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^metadata\.constructor: unknown field/)]),
    );
  });

  it.each([
    ['cursor=99999999999999999999', 'cursor'],
    ['cursor=-1', 'cursor'],
    ['since=-271821-04-20', 'since'],
    ['until=%2B275760-09-13', 'until'],
    ['since=0000-01-01', 'since'],
    ['limit=1&limit=2', 'limit'],
    ['application=a%00b', 'application'],
    ['actr=bob', 'actr'],
  ])('out-of-range audit query: ?%s answers 400 naming the parameter', async (query, parameter) => {
    const res = await http.get(`/api/v1/audit?${query}`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([parameter]);
  });

  it('NUL characters: in a path parameter, a query parameter or an Application label answer 400 naming the field, not 500', async () => {
    for (const path of [
      '/api/v1/applications/a%00b',
      '/api/v1/projects/a%00b',
      '/api/v1/projects/a%00b/events',
      '/api/v1/clusters/a%00b',
    ]) {
      const res = await http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
    expect(fieldsOf(await http.get('/api/v1/applications?project=%00'))).toEqual(['project']);
    const label = await http.post('/api/v1/applications').send({
      ...application('nul'),
      metadata: { name: 'nul', labels: { team: 'a\u0000b' } },
    });
    expect(label.status).toBe(400);
    expect(fieldsOf(label)).toEqual(['metadata.labels.team']);
  });

  it('mistyped sync body: {"prune": "false"} is refused with 400 naming prune, and nothing is synced (a non-empty string used to mean prune)', async () => {
    const res = await http.post('/api/v1/applications/types/sync').send({ prune: 'false' });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual([
      {
        field: 'prune',
        message: 'expected a boolean, got a string ("false")',
        fix: 'write false without quotes',
      },
    ]);
    expect(await syncRequests('types')).toEqual([]);
  });

  it('mistyped sync body: revision 5, dryRun "yes", resources that are not a list, a resource without a kind, an unknown sync option: 400 with every field path', async () => {
    const res = await http.post('/api/v1/applications/types/sync').send({
      revision: 5,
      dryRun: 'yes',
      resources: [{ name: 'web' }],
      syncOptions: ['Nope=true'],
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res).sort()).toEqual(['dryRun', 'resources[0].kind', 'revision', 'syncOptions[0]']);
    const notList = await http.post('/api/v1/applications/types/sync').send({ resources: 'web' });
    expect(fieldsOf(notList)).toEqual(['resources']);
    expect(await syncRequests('types')).toEqual([]);
  });

  it('unknown sync fields: a typo (prun) or an Argo CD feature Berth lacks (local manifests) is refused by name', async () => {
    const res = await http.post('/api/v1/applications/types/sync').send({
      prun: true,
      manifests: ['apiVersion: v1\nkind: ConfigMap'],
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual(
      expect.arrayContaining([
        { field: 'prun', message: 'unknown field', fix: 'did you mean "prune"?' },
        expect.objectContaining({
          field: 'manifests',
          message: expect.stringMatching(/^not supported by Berth: syncing local manifests/),
        }),
      ]),
    );
    expect(await syncRequests('types')).toEqual([]);
  });

  it('mistyped ApplicationSyncRequest fields (#23.5): strategy force, retryStrategy, infos: 400 naming each, nothing requested', async () => {
    const res = await http.post('/api/v1/applications/types/sync').send({
      strategy: { apply: { force: 'yes' }, hook: 'x' },
      retryStrategy: {
        limit: '2',
        backoff: { duration: '5 minutes', factor: 0, maxDuration: 3 },
        refresh: 'no',
        extra: 1,
      },
      infos: [{ name: 'ticket' }, { name: 5, value: 'x' }, 'ticket=1'],
      syncOptions: { items: 'CreateNamespace=true' },
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res).sort()).toEqual([
      'infos[0].value',
      'infos[1].name',
      'infos[2]',
      'retryStrategy.backoff.duration',
      'retryStrategy.backoff.factor',
      'retryStrategy.backoff.maxDuration',
      'retryStrategy.extra',
      'retryStrategy.limit',
      'retryStrategy.refresh',
      'strategy.apply.force',
      'strategy.hook',
      'syncOptions.items',
    ]);
    const notObject = await http
      .post('/api/v1/applications/types/sync')
      .send({ retryStrategy: 3, infos: {} });
    expect(fieldsOf(notObject).sort()).toEqual(['infos', 'retryStrategy']);
    expect(await syncRequests('types')).toEqual([]);
  });

  it('hostile PATCH and PUT .../spec bodies (#23.9): wrong types and unknown fields are 400 naming the field; nothing is stored', async () => {
    const cases: Array<[object | string, string[]]> = [
      [{ patch: { spec: {} } }, ['patch']],
      [{ patch: '[]', patchType: 7 }, ['patchType']],
      [{ patch: '[]', patchType: 'strategic' }, ['patchType']],
      [{ patch: '[]', appNamespace: 'other' }, ['appNamespace']],
      [{ patch: '[]', pach: 1 }, ['pach']],
      [{ patch: '[{"op":"move","from":"/spec","path":"/spec/source"}]' }, ['patch']],
      [{ patch: '[{"op":"add","path":"/spec/__proto__/polluted","value":1}]' }, ['patch']],
      [
        { patch: '{"metadata":{"labels":{"t":"a\\u0000b"}}}', patchType: 'merge' },
        ['patch.metadata.labels.t'],
      ],
      [[1, 2], ['']],
    ];
    for (const [body, fields] of cases) {
      const res = await http.patch('/api/v1/applications/types').send(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      for (const field of fields)
        expect(fieldsOf(res).some((f) => f === field || f.startsWith(`${field}.`) || f.endsWith(field))).toBe(
          true,
        );
    }
    // Inherited names in a merge patch are plain keys: stored as data (with the validator's warning), never
    // merged into what an object inherits.
    for (const patch of [
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"spec":{"toString":{"polluted":1}}}',
    ]) {
      const res = await http.patch('/api/v1/applications/types').send({ patch, patchType: 'merge' });
      expect([patch, res.status]).toEqual([patch, 200]);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
    for (const body of ['5', '[]', '"spec"', 'null']) {
      const res = await http
        .put('/api/v1/applications/types/spec')
        .set('Content-Type', 'application/json')
        .send(body);
      expect([body, res.status]).toEqual([body, 400]);
    }
    const spec = await http.put('/api/v1/applications/types/spec').send({ project: 5, destination: 'x' });
    expect(fieldsOf(spec)).toEqual(expect.arrayContaining(['spec.project', 'spec.destination']));
    expect(await syncRequests('types')).toEqual([]);
  });

  it.each([
    ['selector=a%3D%3D%3Db', 'selector'],
    ['selector=a&selector=b', 'selector'],
    ['name=a&name=b', 'name'],
    ['repo=a%00b', 'repo'],
    ['projects=a%00b', 'projects'],
    ['appNamespace[x]=y', 'appNamespace[x]'],
    ['resourceVersion=-1', 'resourceVersion'],
    ['refrsh=hard', 'refrsh'],
  ])('hostile application list query (#23.9): ?%s answers 400 naming %s', async (query, field) => {
    const res = await http.get(`/api/v1/applications?${query}`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([field]);
  });

  it('hostile Get, Update and Delete queries (#23.9): refresh, validate, propagationPolicy of the wrong form are 400 naming them', async () => {
    for (const [method, path, field] of [
      ['get', '/api/v1/applications/types?refresh=soft', 'refresh'],
      ['get', '/api/v1/applications/types?refresh=hard&refresh=normal', 'refresh'],
      ['put', '/api/v1/applications/types?validate=maybe', 'validate'],
      ['delete', '/api/v1/applications/types?propagationPolicy=now', 'propagationPolicy'],
    ] as const) {
      const res = await http[method](path).send(application('types'));
      expect([path, res.status, fieldsOf(res)]).toEqual([path, 400, [field]]);
    }
    expect((await http.get('/api/v1/applications/types')).status).toBe(200);
  });

  it('hostile project requests (#23.7): {project, upsert} with the wrong types or unknown fields is 400 naming them', async () => {
    const cases: Array<[string, 'post' | 'put', object, string[]]> = [
      [
        '/api/v1/projects',
        'post',
        { project: { metadata: { name: 'p' }, spec: {} }, upsert: 'true' },
        ['upsert'],
      ],
      ['/api/v1/projects', 'post', { project: 'p' }, ['project']],
      ['/api/v1/projects', 'post', { project: { metadata: { name: 'p' } }, upsrt: true }, ['upsrt']],
      ['/api/v1/projects/p', 'put', { project: { metadata: { name: 'p' } }, upsert: true }, ['upsert']],
      [
        '/api/v1/projects',
        'post',
        { project: { metadata: { name: 'p' }, spec: { sourceRepos: 'x' } } },
        ['project.spec.sourceRepos'],
      ],
    ];
    for (const [path, method, body, fields] of cases) {
      const res = await http[method](path).send(body);
      expect([JSON.stringify(body), res.status, fieldsOf(res)]).toEqual([JSON.stringify(body), 400, fields]);
    }
    expect((await http.get('/api/v1/projects/p')).status).toBe(404);
    const query = await http.post('/api/v1/projects?upsert=yes').send({ metadata: { name: 'p' }, spec: {} });
    expect(fieldsOf(query)).toEqual(['upsert']);
  });

  it("hostile Cluster bodies (#23.8): Argo CD's config with the wrong types, exec providers and id.type are 400 naming the field", async () => {
    const cases: Array<[object, string[]]> = [
      [{ server: 'https://10.0.0.1:6443', config: { bearerToken: 5 } }, ['config.bearerToken']],
      [{ server: 'https://10.0.0.1:6443', config: { username: 'u' } }, ['config.password']],
      [
        {
          server: 'https://10.0.0.1:6443',
          config: {
            bearerToken: 't',
            tlsClientConfig: { insecure: 'true', caData: '<pem>', serverName: 'a b' },
          },
        },
        [
          'config.tlsClientConfig.caData',
          'config.tlsClientConfig.insecure',
          'config.tlsClientConfig.serverName',
        ],
      ],
      [
        { server: 'https://10.0.0.1:6443', config: { tlsClientConfig: { certData: 'QUJD' } } },
        ['config.tlsClientConfig.keyData'],
      ],
      [
        {
          server: 'https://10.0.0.1:6443',
          config: { execProviderConfig: { command: '/bin/sh', args: ['-c', 'id'] } },
        },
        ['config.execProviderConfig'],
      ],
      [{ server: 'https://10.0.0.1:6443', config: 'token' }, ['config']],
      [{ server: 'https://10.0.0.1:6443', config: { bearerToken: 't' }, bearerToken: 't' }, ['bearerToken']],
      [{ server: 'https://10.0.0.1:6443', config: { bearerToken: 't' }, namespaces: ['a'] }, ['namespaces']],
      [
        { server: 'https://10.0.0.1:6443', config: { bearerToken: 't' }, clusterResources: 'no' },
        ['clusterResources'],
      ],
      [{ server: 'https://10.0.0.1:6443' }, ['config.bearerToken']],
    ];
    for (const [body, fields] of cases) {
      const res = await http.post('/api/v1/clusters').send(body);
      expect([JSON.stringify(body), res.status, fieldsOf(res).sort()]).toEqual([
        JSON.stringify(body),
        400,
        fields,
      ]);
      expect(res.text).not.toMatch(/"t"|QUJD/);
    }
    for (const [method, path] of [
      ['get', '/api/v1/clusters/x?id.type=url'],
      ['delete', '/api/v1/clusters/x?id.type=uid'],
      ['put', '/api/v1/clusters/x?id.type=names'],
    ] as const) {
      const res = await http[method](path).send({
        server: 'https://10.0.0.1:6443',
        config: { bearerToken: 't' },
      });
      expect([path, res.status, fieldsOf(res)]).toEqual([path, 400, ['id.type']]);
    }
  });

  it("Argo CD's sync body: syncOptions as {items: [...]}, null fields and strategy.hook are accepted and recorded as a plain list", async () => {
    const res = await http.post('/api/v1/applications/argo-shape/sync').send({
      name: 'argo-shape',
      appNamespace: '',
      revision: null,
      prune: false,
      dryRun: false,
      strategy: { hook: { force: false } },
      resources: null,
      syncOptions: { items: ['Prune=false', 'CreateNamespace=true'] },
      retryStrategy: null,
    });
    expect(res.status).toBe(200);
    expect(await syncRequests('argo-shape')).toEqual([
      expect.objectContaining({
        prune: false,
        dryRun: false,
        syncOptions: ['Prune=false', 'CreateNamespace=true'],
      }),
    ]);
  });

  it('unknown query parameters: DELETE ?cascde=false is refused, not read as a cascading delete; ?upsert=ture is refused', async () => {
    const del = await http.delete('/api/v1/applications/keep-me?cascde=false');
    expect(del.status).toBe(400);
    expect(issuesOf(del)).toEqual([
      { field: 'cascde', message: 'unknown query parameter', fix: 'did you mean "cascade"?' },
    ]);
    expect((await http.get('/api/v1/applications/keep-me')).status).toBe(200);
    const upsert = await http.post('/api/v1/applications?upsert=ture').send(application('keep-me'));
    expect(upsert.status).toBe(400);
    expect(fieldsOf(upsert)).toEqual(['upsert']);
  });

  it('mistyped registration bodies: a non-string repo, a quoted boolean and an unknown field are refused with 400 and field paths', async () => {
    const repo = await http.post('/api/v1/repositories').send({ repo: 5 });
    expect(repo.status).toBe(400);
    expect(fieldsOf(repo)).toEqual(['repo']);
    const insecure = await http
      .post('/api/v1/repositories')
      .send({ repo: 'ssh://git@127.0.0.1:9/x.git', insecureIgnoreHostKey: 'true', sshPrivatekey: 'k' });
    expect(fieldsOf(insecure).sort()).toEqual(['insecureIgnoreHostKey', 'sshPrivatekey']);
    const cluster = await http
      .post('/api/v1/clusters')
      .send({ name: 'c', server: 'http://127.0.0.1:9', bearerToken: 't', insecure: 'true' });
    expect(cluster.status).toBe(400);
    expect(fieldsOf(cluster)).toEqual(['insecure']);
  });

  it('mistyped rollback body: an id that is not an int64 (number or digits) and an empty kinds list are refused with field paths', async () => {
    const res = await http.post('/api/v1/applications/types/rollback').send({ id: '1x', kinds: [] });
    expect(res.status).toBe(400);
    expect(fieldsOf(res).sort()).toEqual(['id', 'kinds']);
    for (const id of ['-1', ' 1', '1e2', '0x10', '99999999999999999999', 1.5, -1, true, [1], { id: 1 }]) {
      const bad = await http.post('/api/v1/applications/types/rollback').send({ id, dryRun: 'true' });
      expect([JSON.stringify(id), bad.status, fieldsOf(bad).sort()]).toEqual([
        JSON.stringify(id),
        400,
        ['dryRun', 'id'],
      ]);
    }
    expect(await syncRequests('types')).toEqual([]);
  });

  it('RBAC inputs: project role token bodies and paths, can-i objects and X-Correlation-Id are checked, never a 500', async () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'tokens' },
      spec: { roles: [{ name: 'ci', policies: ['p, proj:tokens:ci, applications, get, tokens/*, allow'] }] },
    };
    expect((await http.post('/api/v1/projects').send(project)).status).toBeLessThan(300);
    const typed = await http
      .post('/api/v1/projects/tokens/roles/ci/token')
      .send({ expiresIn: 'soon', id: 'a b', role: 5, extra: true });
    expect(typed.status).toBe(400);
    expect(fieldsOf(typed).sort()).toEqual(['expiresIn', 'extra', 'id', 'role']);
    const otherRole = await http.post('/api/v1/projects/tokens/roles/ci/token').send({ role: 'admin' });
    expect(fieldsOf(otherRole)).toEqual(['role']);
    expect((await http.post('/api/v1/projects/tokens/roles/--help/token').send({})).status).toBe(404);
    const iat = await http.delete('/api/v1/projects/tokens/roles/ci/token/..%2F..%2Fetc');
    expect(iat.status).toBe(400);
    expect(fieldsOf(iat)).toEqual(['iat']);
    // can-i reads no stored object: the object is only matched against the policy (no project/app shape: "no").
    const canI = await http.get('/api/v1/account/can-i/applications/get/--x%00y');
    expect({ status: canI.status, body: canI.body as unknown }).toEqual({
      status: 200,
      body: { value: 'no' },
    });
    const ok = await http.get('/api/v1/account/can-i/no-such-resource/../..');
    expect([200, 404]).toContain(ok.status);
    for (const id of ['x'.repeat(129), 'a b', 'a\tb', '"><script>']) {
      const res = await http.get('/api/v1/applications').set('X-Correlation-Id', id);
      expect({ id, status: res.status, fields: fieldsOf(res) }).toEqual({
        id,
        status: 400,
        fields: ['X-Correlation-Id'],
      });
      expect(res.headers['x-correlation-id']).toBeUndefined();
    }
    const fine = await http.get('/api/v1/applications').set('X-Correlation-Id', 'ci-run-42/step.3');
    expect(fine.status).toBe(200);
    expect(fine.headers['x-correlation-id']).toBe('ci-run-42/step.3');
  });

  it("berth login --sso's code exchange (POST /api/v1/session/sso): a redirect other than a loopback callback, a malformed verifier or state, a missing or extra field is a 400 naming it; a secret is never repeated", async () => {
    const good = {
      redirectUri: 'http://localhost:8085/auth/callback',
      code: 'c0de',
      state: 'st4te',
      codeVerifier: 'v'.repeat(43),
      nonce: 'n0nce',
    };
    for (const [change, field] of [
      [{ redirectUri: 'https://evil.example.com/auth/callback' }, 'redirectUri'],
      [{ redirectUri: 'http://localhost:8085/auth/callback?next=https://evil.example.com' }, 'redirectUri'],
      [{ redirectUri: 'http://localhost@evil.example.com:8085/auth/callback' }, 'redirectUri'],
      [{ redirectUri: 'http://10.0.0.1:8085/auth/callback' }, 'redirectUri'],
      [{ codeVerifier: 'short-secret-verifier' }, 'codeVerifier'],
      [{ codeVerifier: 'v'.repeat(129) }, 'codeVerifier'],
      [{ state: 'a b' }, 'state'],
      [{ nonce: ['x'] }, 'nonce'],
      [{ iss: 5 }, 'iss'],
      [{ code: { $ne: 1 } }, 'code'],
      [{ code: undefined }, 'code'],
      [{ clientSecret: 'x' }, 'clientSecret'],
    ] as const) {
      const res = await scheduler.anonymous.post('/api/v1/session/sso').send({ ...good, ...change });
      expect({ change, status: res.status, fields: fieldsOf(res) }).toEqual({
        change,
        status: 400,
        fields: [field],
      });
      expect(JSON.stringify(res.body)).not.toContain('short-secret-verifier');
    }
    // Well-formed, on a scheduler without oidc.config: 404 saying so, not a 500.
    const off = await scheduler.anonymous.post('/api/v1/session/sso').send(good);
    expect(off.status).toBe(404);
    expect(off.body).toMatchObject({ message: expect.stringContaining('SSO is not configured') });
  });

  it("this stop's new inputs: login, API key, approval, sync windows and approvals, resource events, revisions, stream: 400 naming the field, never a 500", async () => {
    const login = await scheduler.anonymous.post('/api/v1/session').send({ username: 5, password: ['x'] });
    expect(login.status).toBe(400);
    expect(fieldsOf(login).sort()).toEqual(['password', 'username']);
    const role = await scheduler.anonymous
      .post('/api/v1/session')
      .send({ username: 'admin', password: 'x', role: 'admin' });
    expect(role.status).toBe(400);
    expect(fieldsOf(role)).toEqual(['role']);
    const key = await http.post('/api/v1/account/admin/token').send({ expiresIn: 'soon' });
    expect(key.status).toBe(400);
    expect(fieldsOf(key)).toEqual(['expiresIn']);
    const approve = await http
      .post('/api/v1/applications/types/operation/approve')
      .send({ reason: 5, extra: 1 });
    expect(approve.status).toBe(400);
    expect(fieldsOf(approve).sort()).toEqual(['extra', 'reason']);
    const project = await http.post('/api/v1/projects').send({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'hostile-windows' },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        syncWindows: [
          {
            kind: 'deny',
            schedule: '--help',
            duration: '1h',
            timeZone: '../../etc/passwd',
            applications: ['*'],
          },
        ],
        syncApprovals: [{ applications: ['*'], requiredApprovals: '2' }],
      },
    });
    expect(project.status).toBe(400);
    expect(fieldsOf(project)).toEqual(
      expect.arrayContaining([
        'spec.syncWindows[0].schedule',
        'spec.syncWindows[0].timeZone',
        'spec.syncApprovals[0].requiredApprovals',
      ]),
    );
    const events = await http.get('/api/v1/applications/types/events?resourceName=--x,y&resourceNamespace=a');
    expect(events.status).toBe(400);
    expect(fieldsOf(events)).toEqual(['resourceName']);
    const revision = await http.get('/api/v1/applications/types/revisions/--upload-pack=x/metadata');
    expect(revision.status).toBe(400);
    expect(errorOf(revision).message).toContain('is not a commit SHA or a branch or tag name');
    // ValidateAccess runs `git ls-remote`: a repository that reads as a flag never reaches it.
    const validate = await http
      .post(`/api/v1/repositories/${encodeURIComponent('--upload-pack=touch /tmp/x')}/validate`)
      .send({});
    expect(validate.status).toBe(400);
    expect(validate.body).toMatchObject({ field: 'repo', reason: 'invalid-repo-url' });
    expect(errorOf(validate).message).toContain('which git would read as an option');
    const stream = await http.get('/api/v1/stream/applications?selector=a%3D%3D%3Db&bogus=1');
    expect(stream.status).toBe(400);
    expect(fieldsOf(stream).sort()).toEqual(['bogus', 'selector']);
  });

  it('WatchResourceTree (#23.12): a hostile application name or an unknown query parameter is a 400 before any stream or cluster read', async () => {
    for (const name of ['--x', '..', 'a..b', 'UPPER', 'a'.repeat(300), 'a%20b']) {
      const res = await http.get(`/api/v1/stream/applications/${name}/resource-tree`);
      expect({ name: name.slice(0, 20), status: res.status, fields: fieldsOf(res) }).toEqual({
        name: name.slice(0, 20),
        status: 400,
        fields: ['name'],
      });
    }
    const nul = await http.get('/api/v1/stream/applications/a%00b/resource-tree');
    expect(nul.status).toBe(400);
    const unknown = await http.get('/api/v1/stream/applications/types/resource-tree?bogus=1');
    expect([unknown.status, fieldsOf(unknown)]).toEqual([400, ['bogus']]);
  });

  it('resource routes (actions, get, patch, delete): hostile or malformed values are a 400 naming the field before any cluster is asked, and nothing is recorded', async () => {
    const base = '/api/v1/applications/types/resource';
    const ok = 'namespace=apps&resourceName=web&version=v1&group=apps&kind=Deployment';
    const long = 'a'.repeat(300);
    for (const [query, field] of [
      [ok.replace('resourceName=web', 'resourceName=--x'), 'resourceName'],
      [ok.replace('resourceName=web', 'resourceName=..%2Fx'), 'resourceName'],
      [ok.replace('resourceName=web', `resourceName=${long}`), 'resourceName'],
      [ok.replace('namespace=apps', 'namespace=..%2Fx'), 'namespace'],
      [ok.replace('namespace=apps', 'namespace=--x'), 'namespace'],
      [ok.replace('group=apps', 'group=--x'), 'group'],
      [ok.replace('version=v1', 'version=v1%2F..%2F..'), 'version'],
      [ok.replace('kind=Deployment', 'kind=..%2Fx'), 'kind'],
      [`${ok}&resourceKind=Pod`, 'resourceKind'],
      ['namespace=apps', 'resourceName'],
    ] as const) {
      for (const res of [await http.get(`${base}?${query}`), await http.get(`${base}/actions?${query}`)]) {
        expect({ query, status: res.status, fields: fieldsOf(res) }).toEqual({
          query,
          status: 400,
          fields: field === 'resourceName' && query === 'namespace=apps' ? ['resourceName', 'kind'] : [field],
        });
      }
    }
    for (const [body, why] of [
      ['"--x"', /is not valid/],
      ['"../x"', /is not valid/],
      [JSON.stringify('a'.repeat(10_000)), /characters long/],
      ['{"action":"restart"}', /expected a JSON string, got object/],
      ['', /is required/],
    ] as const) {
      const res = await http.post(`${base}/actions?${ok}`).set('Content-Type', 'application/json').send(body);
      expect({ body: body.slice(0, 20), status: res.status, fields: fieldsOf(res) }).toEqual({
        body: body.slice(0, 20),
        status: 400,
        fields: ['action'],
      });
      expect(issuesOf(res)[0]?.message).toMatch(why);
    }
    const v2 = await http.post(`${base}/actions/v2`).send({
      resourceName: '--x',
      kind: 'Deployment',
      action: '../x',
      resourceActionParameters: [{ name: 'replicas', value: '3' }],
    });
    expect(v2.status).toBe(400);
    expect(fieldsOf(v2).sort()).toEqual(['action', 'resourceActionParameters[0]', 'resourceName']);
    expect(fieldsOf(await http.post(`${base}?${ok}&patchType=application%2Fyaml`).send('{}'))).toEqual([
      'patchType',
    ]);
    const noPatch = await http.post(`${base}?${ok}`);
    expect([noPatch.status, fieldsOf(noPatch)]).toEqual([400, ['patch']]);
    const protoPatch = await http
      .patch(`${base}?${ok}`)
      .set('Content-Type', 'application/json')
      .send('{"metadata":{"__proto__":{"x":1}}}');
    expect([protoPatch.status, fieldsOf(protoPatch)]).toEqual([400, ['metadata.__proto__']]);
    expect(fieldsOf(await http.delete(`${base}?${ok}&force=yes`))).toEqual(['force']);
    expect(fieldsOf(await http.delete(`${base}?${ok}&force=true&orphan=true`))).toEqual(['force']);
    expect(fieldsOf(await http.delete(`${base}?${ok}&grace=0`))).toEqual(['grace']);
    const recorded = await db.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM events WHERE type IN ('ResourceActionRun', 'LiveResourcePatched', 'LiveResourceDeleted')`,
    );
    expect(recorded).toEqual([{ n: 0 }]);
  });

  it('managed-resources filters (#13.4, #23.17): hostile or malformed values are a 400 naming the field before anything is rendered or asked', async () => {
    const base = '/api/v1/applications/types/managed-resources';
    const long = 'a'.repeat(300);
    for (const [query, field] of [
      ['name=--x', 'name'],
      ['name=..%2Fx', 'name'],
      [`name=${long}`, 'name'],
      ['name=a&name=b', 'name'],
      ['name=a%00b', 'name'],
      ['namespace=..%2Fx', 'namespace'],
      ['namespace=Apps', 'namespace'],
      ['group=--x', 'group'],
      ['version=v1%2F..', 'version'],
      ['kind=deployment', 'kind'],
      ['kind[x]=Pod', 'kind[x]'],
      [`appNamespace=${long}`, 'appNamespace'],
      [`project=${long}`, 'project'],
      ['resourceName=web', 'resourceName'],
      ['revision=--upload-pack%3Dtouch%20x', 'revision'],
      ['revision=a&revision=b', 'revision'],
    ] as const) {
      const res = await http.get(`${base}?${query}`);
      expect({ query, status: res.status, fields: fieldsOf(res) }).toEqual({
        query,
        status: 400,
        fields: [field],
      });
    }
  });

  it.each(['null', '[]', '"push"'])(
    'webhook shape: a push whose body is %s (not a JSON object) is refused with 400 saying so; null was a 500',
    async (body) => {
      const res = await http
        .post('/api/webhook')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .send(body);
      expect(res.status).toBe(400);
      expect(errorOf(res).message).toMatch(/JSON object/);
    },
  );

  it('hostile ApplicationSet input: NUL, huge bodies, a git files path with "..", unsupported generators, a template rendering an invalid app name: 400 (413) naming the field, nothing recorded', async () => {
    const appSet = (spec: Record<string, unknown>, name = 'hostile') => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name },
      spec: {
        generators: [{ list: { elements: [{ env: 'dev' }] } }],
        template: {
          metadata: { name: 'svc-{{env}}' },
          spec: {
            project: 'default',
            source: {
              repoURL: 'https://git.example.com/org/deploy.git',
              targetRevision: 'HEAD',
              path: 'app',
            },
            destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
          },
        },
        ...spec,
      },
    });
    for (const path of ['/api/v1/applicationsets/a%00b'])
      expect({ path, status: (await http.get(path)).status }).toEqual({ path, status: 400 });
    expect((await http.delete('/api/v1/applicationsets/a%00b')).status).toBe(400);
    expect(fieldsOf(await http.get('/api/v1/applicationsets?projects=%00'))).toEqual(['projects']);
    expect(fieldsOf(await http.get('/api/v1/applicationsets?selector=%3D%3D%3D'))).toEqual(['selector']);
    expect(fieldsOf(await http.get('/api/v1/applicationsets?cluster=x'))).toEqual(['cluster']);
    const nul = await http.post('/api/v1/applicationsets').send(appSet({}, 'nul\u0000'));
    expect(nul.status).toBe(400);
    expect(fieldsOf(nul)).toEqual(['metadata.name']);
    const huge = await http
      .post('/api/v1/applicationsets')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify(appSet({ goTemplate: false }, 'huge')).replace(
          '"env":"dev"',
          `"env":"${'x'.repeat(3_000_000)}"`,
        ),
      );
    expect(huge.status).toBe(413);
    const escape = await http.post('/api/v1/applicationsets').send(
      appSet({
        generators: [
          {
            git: {
              repoURL: 'https://git.example.com/org/deploy.git',
              revision: 'HEAD',
              files: [{ path: '../../etc/passwd' }],
            },
          },
        ],
      }),
    );
    expect(escape.status).toBe(400);
    expect(fieldsOf(escape)).toEqual(['spec.generators[0].git.files[0].path']);
    const unsupported = await http.post('/api/v1/applicationsets').send(
      appSet({
        generators: [{ pullRequest: { github: { owner: 'o', repo: 'r' } } }],
        strategy: { type: 'RollingSync' },
      }),
    );
    expect(unsupported.status).toBe(400);
    expect(fieldsOf(unsupported)).toEqual(['spec.generators[0].pullRequest', 'spec.strategy']);
    const templatedProject = await http
      .post('/api/v1/applicationsets')
      .send(appSet({ template: { metadata: { name: 'a-{{env}}' }, spec: { project: '{{env}}' } } }));
    expect(templatedProject.status).toBe(400);
    expect(fieldsOf(templatedProject)).toEqual(['spec.template.spec.project']);
    const badName = await http
      .post('/api/v1/applicationsets/generate')
      .send({ applicationSet: appSet({ generators: [{ list: { elements: [{ env: 'Not_A_Name' }] } }] }) });
    expect(badName.status).toBe(400);
    expect((badName.body as { message: string }).message).toContain(
      'Application "svc-Not_A_Name" generated by hostile is invalid: metadata.name',
    );
    const notString = await http
      .post('/api/v1/applicationsets')
      .send(appSet({ generators: [{ list: { elements: [{ env: 3 }] } }] }));
    expect(fieldsOf(notString)).toEqual(['spec.generators[0].list.elements[0].env']);
    expect(
      await db.dataSource.query(`SELECT stream_id FROM events WHERE stream_id LIKE 'applicationset-%'`),
    ).toEqual([]);
  });

  it('the OpenAPI document and its docs page (#17.7): query parameters are ignored, paths outside the bundled assets a 404, never a 500', async () => {
    // Query parameters are ignored (cache busters), never read: the same document either way.
    const busted = await scheduler.anonymous.get('/api/openapi.json?format=yaml&__proto__=x');
    expect(busted.status).toBe(200);
    expect((busted.body as { openapi: string }).openapi).toBe('3.1.0');
    for (const path of [
      '/api/docs/..%2f..%2f..%2fpackage.json',
      '/api/docs/%2e%2e/%2e%2e/package.json',
      '/api/docs/LICENSE',
      '/api/docs/%00',
      '/api/docs/swagger-ui-init.js/..',
    ]) {
      const res = await scheduler.anonymous.get(path);
      expect({ path, status: res.status < 500, leaked: /"name":\s*"berth"/.test(res.text) }).toEqual({
        path,
        status: true,
        leaked: false,
      });
    }
  });
});

describe('mistyped and out-of-range API input (notifier, compiled process)', () => {
  let notifier: BerthProcess;

  beforeAll(async () => {
    notifier = await BerthProcess.start('notifier', {
      NOTIFICATIONS_CONFIG: '/nonexistent/notifications.yaml',
    });
  });
  afterAll(async () => {
    await notifier?.stop();
    await notifier?.db.drop();
  });

  const cursor = (t: string) => Buffer.from(JSON.stringify({ t, id: 'x' })).toString('base64url');

  it.each([
    [`cursor=${cursor('-271821-04-20')}`, 'cursor'],
    [`cursor=${cursor('2026-02-30 10:00:00+00')}`, 'cursor'],
    ['application=a%00b', 'application'],
    ['statsu=sent', 'statsu'],
  ])(
    'notifier deliveries query: ?%s answers 400 naming the parameter, not 500 or a silent ignore',
    async (query, parameter) => {
      const res = await notifier.send('GET', `/api/v1/notifications/deliveries?${query}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ parameter, issues: [{ field: parameter }] });
    },
  );
});
