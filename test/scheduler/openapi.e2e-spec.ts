import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { schedulerRoutes } from '../testing/scheduler-routes';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { startTestScheduler, type TestScheduler } from './scheduler-harness';

/**
 * The OpenAPI document (GET /api/openapi.json, docs/api.md "The OpenAPI document"): every route the app
 * serves is in it with its method, Argo CD's routes apart from Berth's own, public routes marked so, and
 * the answers of real calls fit the schemas it declares for them.
 */

type Operation = {
  tags?: string[];
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, object>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
  security: Array<Record<string, string[]>>;
};

/** Berth's own routes (docs/api.md, "Berth's own routes"); every other route is Argo CD's. */
const BERTH_ROUTES = new Set([
  'POST /api/v1/applications/{name}/refresh',
  'GET /api/v1/applications/{name}/history',
  'GET /api/v1/applications/{name}/audit',
  'POST /api/v1/applications/{name}/operation/confirm-prune',
  'POST /api/v1/applications/{name}/operation/approve',
  'POST /api/v1/applications/{name}/operation/reject',
  'PATCH /api/v1/applications/{name}/resource',
  'GET /api/v1/audit',
  'GET /auth/login',
  'GET /auth/callback',
  'POST /api/v1/session/sso',
  'GET /api/openapi.json',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
]);

/** Routes that answer without a token (test/security/authentication.e2e-spec.ts has the same list). */
const PUBLIC_ROUTES = new Set([
  'POST /api/webhook',
  'POST /api/v1/session',
  'POST /api/v1/session/sso',
  'GET /api/v1/session/userinfo',
  'GET /auth/login',
  'GET /auth/callback',
  'GET /api/version',
  'GET /api/v1/settings',
  'GET /api/badge',
  'GET /api/openapi.json',
  'GET /healthz',
  'GET /readyz',
]);

/**
 * Every route of the scheduler's Nest app, read from its controllers' decorators as route-permissions.spec.ts
 * reads them, in OpenAPI's form (`{name}` for `:name` and for a wildcard `*name`).
 */
function registeredRoutes(ctx: SchedulerContext): string[] {
  return schedulerRoutes(ctx).map((r) => `${r.method} ${r.path.replace(/[:*]([A-Za-z]+)/g, '{$1}')}`);
}

function operations(document: Document): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation],
    ),
  );
}

describe('the OpenAPI document', () => {
  let s: TestScheduler;
  let document: Document;
  let ajv: Ajv2020;

  beforeAll(async () => {
    s = await startTestScheduler();
    const res = await s.anonymous.get('/api/openapi.json');
    expect(res.status).toBe(200);
    document = res.body as Document;
    // OpenAPI 3.1's schema dialect is JSON Schema 2020-12: validate answers with the document's own schemas.
    ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The problems of `answer` against what the document declares for `route` answering `status`. */
  function problems(route: string, status: number, answer: unknown): string[] {
    const [method, path] = route.split(' ') as [string, string];
    const op = document.paths[path]?.[method.toLowerCase()];
    if (!op) return [`${route} is not in the document`];
    const declared = op.responses[String(status)] ?? op.responses['default'];
    const ref = declared?.content?.['application/json']?.schema?.$ref;
    if (!ref) return [`${route} declares no JSON schema for ${status}`];
    const validate = ajv.compile({ $ref: `openapi.json${ref}` });
    if (validate(answer)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(answer)'} ${e.message ?? e.keyword}`);
  }

  it('is OpenAPI 3.1 with every route the app registers, each with its method, and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    const registered = registeredRoutes(s.ctx);
    expect(registered.length).toBeGreaterThan(60);
    const documented = operations(document).map(([route]) => route);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it("tags Argo CD's routes argocd (with its swagger's operationId) and Berth's own berth", () => {
    const wrong = operations(document)
      .map(([route, op]) => ({ route, tags: op.tags, operationId: op.operationId }))
      .filter(
        ({ route, tags }) => !(BERTH_ROUTES.has(route) ? tags?.[0] === 'berth' : tags?.[0] === 'argocd'),
      );
    expect(wrong).toEqual([]);
    const byRoute = new Map(operations(document));
    expect(byRoute.get('POST /api/v1/applications/{name}/sync')?.operationId).toBe('ApplicationService_Sync');
    expect(byRoute.get('GET /api/v1/clusters/{id}')?.operationId).toBe('ClusterService_Get');
    expect(byRoute.get('GET /api/version')?.operationId).toBe('VersionService_Version');
    expect(document.paths['/api/v1/account/can-i/{resource}/{action}/{subresource}']).toBeDefined();
    // Argo CD's POSTs answer 200, as its gateway does; Berth's own keep 201.
    expect(Object.keys(byRoute.get('POST /api/v1/applications')!.responses)).toContain('200');
    expect(Object.keys(byRoute.get('POST /api/v1/applications/{name}/refresh')!.responses)).toContain('201');
  });

  it('declares bearer auth, marks exactly the public routes `security: []`, and leaks no setting or path', () => {
    expect(document.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    const open = operations(document)
      .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
      .map(([route]) => route);
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
    // Metrics: open unless BERTH_METRICS_REQUIRE_AUTH, so a token is optional there.
    expect(document.paths['/metrics']?.['get']?.security).toEqual([{}, { bearer: [] }, { cookie: [] }]);
    const text = JSON.stringify(document);
    for (const leak of [process.cwd(), tmpdir(), s.adminToken, 'postgres://', 'redis://', s.accountsFile])
      expect({ leak, found: text.includes(leak) }).toEqual({ leak, found: false });
    expect(text).not.toMatch(/"servers"/);
  });

  it('resolves every schema reference it holds', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(50);
    const missing = [...new Set(refs)].filter(
      (ref) => !(ref.startsWith('#/components/schemas/') && ref.slice(21) in document.components.schemas),
    );
    expect(missing).toEqual([]);
  });

  it('real answers fit the schemas it declares: create, list and get an app, errors, version, settings', async () => {
    const app = {
      metadata: { name: 'documented' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/team/apps.git', targetRevision: 'main', path: 'web' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
      },
    };
    const created = await s.http.post('/api/v1/applications').send(app);
    expect(created.status).toBe(200);
    expect(problems('POST /api/v1/applications', 200, created.body)).toEqual([]);

    const list = await s.http.get('/api/v1/applications');
    expect(list.status).toBe(200);
    expect(problems('GET /api/v1/applications', 200, list.body)).toEqual([]);

    const got = await s.http.get('/api/v1/applications/documented');
    expect(got.status).toBe(200);
    expect(problems('GET /api/v1/applications/{name}', 200, got.body)).toEqual([]);

    const missing = await s.http.get('/api/v1/applications/no-such-app');
    expect(missing.status).toBe(404);
    expect(problems('GET /api/v1/applications/{name}', 404, missing.body)).toEqual([]);

    const invalid = await s.http.post('/api/v1/applications').send({ metadata: { name: 'Not A Name' } });
    expect(invalid.status).toBe(400);
    expect(problems('POST /api/v1/applications', 400, invalid.body)).toEqual([]);

    const unauthenticated = await s.anonymous.get('/api/v1/applications');
    expect(unauthenticated.status).toBe(401);
    expect(problems('GET /api/v1/applications', 401, unauthenticated.body)).toEqual([]);

    const version = await s.anonymous.get('/api/version');
    expect(problems('GET /api/version', 200, version.body)).toEqual([]);
    const settings = await s.http.get('/api/v1/settings');
    expect(problems('GET /api/v1/settings', 200, settings.body)).toEqual([]);

    const project = await s.http.get('/api/v1/projects/default');
    expect(problems('GET /api/v1/projects/{name}', 200, project.body)).toEqual([]);
    const clusters = await s.http.get('/api/v1/clusters');
    expect(problems('GET /api/v1/clusters', 200, clusters.body)).toEqual([]);
  });

  it('can fail: an answer in another shape is refused', () => {
    expect(problems('GET /api/v1/applications', 200, { items: 'not a list' })).not.toEqual([]);
    expect(problems('GET /api/version', 200, { version: 'v1' })).not.toEqual([]);
    expect(problems('GET /api/v1/applications/{name}', 404, { message: 'no' })).not.toEqual([]);
  });

  it('serves the docs page (Swagger UI from bundled assets, no CDN) without a token', async () => {
    const page = await s.anonymous.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/(?:src|href)="(?:https?:)?\/\//); // every asset from this server
    const scripts = [...page.text.matchAll(/(?:src|href)="\.\/docs\/([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(
      expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-init.js']),
    );
    for (const asset of scripts)
      expect({ asset, status: (await s.anonymous.get(`/api/docs/${asset}`)).status }).toEqual({
        asset,
        status: 200,
      });
    const init = await s.anonymous.get('/api/docs/swagger-ui-init.js');
    expect(init.text).toContain('ApplicationService_Sync');
    // The stock index.html and LICENSE of swagger-ui-dist are not served; nothing outside its folder is.
    expect((await s.anonymous.get('/api/docs/index.html')).text).not.toContain('petstore');
    expect((await s.anonymous.get('/api/docs/..%2f..%2fpackage.json')).status).toBe(404);
  });
});
