import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { healthOf, HealthCheckRegistry, type HealthStatus, type KubeObject } from '@berth/domain';
import { loadHealthCustomizations } from './health-customizations.loader';
import { LuaHealthRunner, parseHealthCustomizationKey } from './lua-health-check';

const testdata = join(process.cwd(), 'libs/infra/src/lua/testdata');
const object = (file: string): KubeObject =>
  parse(readFileSync(join(testdata, 'objects', file), 'utf8')) as KubeObject;
const domainFixture = (file: string): KubeObject =>
  parse(readFileSync(join(process.cwd(), 'libs/domain/src/health/testdata', file), 'utf8')) as KubeObject;
const certificateScript = readFileSync(
  join(testdata, 'resource_customizations/cert-manager.io/Certificate/health.lua'),
  'utf8',
);

const certificate = (conditions?: Array<Record<string, string>>): KubeObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'shop-tls', namespace: 'shop' },
  spec: { secretName: 'shop-tls' },
  ...(conditions ? { status: { conditions } } : {}),
});

describe('LuaHealthRunner (real wasmoon)', () => {
  const runner = LuaHealthRunner.create();

  it.each<[Array<Record<string, string>> | undefined, string, string]>([
    [undefined, 'Progressing', 'Waiting for certificate'],
    [
      [{ type: 'Ready', status: 'True', message: 'Certificate is up to date and has not expired' }],
      'Healthy',
      'Certificate is up to date and has not expired',
    ],
    [[{ type: 'Ready', status: 'False', message: 'Issuer not found' }], 'Degraded', 'Issuer not found'],
    [
      [
        { type: 'Ready', status: 'False', message: 'old' },
        { type: 'Issuing', status: 'True', message: 'Issuing certificate as Secret does not exist' },
      ],
      'Progressing',
      'Issuing certificate as Secret does not exist',
    ],
  ])('Argo CD cert-manager Certificate health.lua: %j -> %s', async (conditions, status, message) => {
    const registry = await runner.register(new HealthCheckRegistry(), [
      { group: 'cert-manager.io', kind: 'Certificate', script: certificateScript },
    ]);
    expect(healthOf(certificate(conditions), registry)).toEqual({ status, message });
  });

  describe('JSON null in live objects (as Argo CD: a null field is absent, a null list item is skipped)', () => {
    const nullProbe = `
      local c = obj.status.conditions
      return { status = "Healthy", message = table.concat({
        tostring(obj.metadata.deletionGracePeriodSeconds), tostring(obj.spec.duration), tostring(#c),
        c[1].type, tostring(obj.metadata.labels), type(obj.spec.secretTemplate),
        tostring(obj.spec.secretTemplate.labels), tostring(next(obj.spec.secretTemplate)),
      }, " ") }`;

    it.each<[string, KubeObject, HealthStatus]>([
      [
        'cert-manager Certificate with nulls everywhere (Argo CD script)',
        object('certificate-with-nulls.yaml'),
        { status: 'Healthy', message: 'Certificate is up to date and has not expired' },
      ],
      [
        'Deployment template with creationTimestamp: null',
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'x', creationTimestamp: null },
          spec: { template: { metadata: { creationTimestamp: null, labels: null } } },
          status: null,
        },
        { status: 'Progressing', message: 'Waiting for certificate' },
      ],
      [
        'every value null',
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: null,
          spec: null,
        } as unknown as KubeObject,
        { status: 'Progressing', message: 'Waiting for certificate' },
      ],
    ])('%s', async (_name, obj, expected) => {
      const registry = await runner.register(new HealthCheckRegistry(), [
        { group: 'cert-manager.io', kind: 'Certificate', script: certificateScript },
      ]);
      for (let i = 0; i < 50; i++) expect(healthOf(obj, registry)).toEqual(expected);
    });

    it('gives the script what gopher-lua would: nil for null, the list without its null', async () => {
      const check = await runner.healthCheck({
        group: 'cert-manager.io',
        kind: 'Certificate',
        script: nullProbe,
      });
      expect(check(object('certificate-with-nulls.yaml'))).toEqual({
        status: 'Healthy',
        message: 'nil nil 1 Ready nil table nil nil',
      });
    });
  });

  describe("Argo CD's community scripts, unchanged, from a resource_customizations directory", () => {
    let registry: HealthCheckRegistry;
    beforeAll(async () => {
      const scripts = await loadHealthCustomizations(join(testdata, 'resource_customizations'));
      registry = await runner.register(new HealthCheckRegistry(), scripts);
    });

    it.each<[string, () => KubeObject, HealthStatus]>([
      [
        '_.crossplane.io/_ (wildcard): managed resource that cannot sync',
        () => object('crossplane-bucket-synced-false.yaml'),
        { status: 'Degraded', message: 'create failed: cannot create Bucket in AWS: BucketAlreadyExists' },
      ],
      [
        '_.crossplane.io/_ (wildcard): Composition, a kind without status',
        () => object('crossplane-composition.yaml'),
        { status: 'Healthy', message: 'Resource is up-to-date.' },
      ],
      [
        '_.crossplane.io/_ (wildcard): Provider package',
        () => object('crossplane-provider-healthy.yaml'),
        { status: 'Healthy', message: 'Resource is up-to-date.' },
      ],
      [
        'autoscaling/HorizontalPodAutoscaler: require("json") on the v1 conditions annotation',
        () => domainFixture('hpa-v1-degraded-failedgetobjectmetric.yaml'),
        {
          status: 'Degraded',
          message:
            'the HPA was unable to compute the replica count: unable to get metric tomcat_sessions_active_current_sessions: Service on namespace sample-service/unable to fetch metrics from custom metrics API: the server could not find the metric tomcat_sessions_active_current_sessions for services',
        },
      ],
      [
        'autoscaling/HorizontalPodAutoscaler: v2 status conditions',
        () => domainFixture('hpa-v2-healthy.yaml'),
        { status: 'Healthy', message: 'recommended size matches current size' },
      ],
      [
        'jetstream.nats.io/Consumer: os.time{...} from a timestamp, os.difftime',
        () => object('nats-consumer-stuck.yaml'),
        { status: 'Degraded', message: 'Trying to create resource for more than 30 seconds' },
      ],
    ])('%s', (_name, obj, expected) => {
      expect(healthOf(obj(), registry)).toEqual(expected);
    });

    it('serves every kind of a group from <group>/_, and an exact kind before it', () => {
      const widget = (kind: string, phase?: string): KubeObject => ({
        apiVersion: 'example.io/v1',
        kind,
        metadata: { name: 'w' },
        ...(phase ? { status: { phase } } : {}),
      });
      expect(healthOf(widget('Widget', 'Ready'), registry)).toEqual({
        status: 'Healthy',
        message: 'Widget is ready',
      });
      expect(healthOf(widget('Gadget'), registry)).toEqual({
        status: 'Progressing',
        message: 'Waiting for Gadget',
      });
      expect(healthOf(widget('Special', 'Ready'), registry)).toEqual({
        status: 'Suspended',
        message: 'Special is never ready',
      });
    });

    it('reads a core-group kind from the top level (<dir>/ConfigMap/health.lua), deferring when it returns nil', () => {
      const cm = (broken: string): KubeObject => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c' },
        data: { broken },
      });
      expect(healthOf(cm('true'), registry)).toEqual({ status: 'Degraded', message: 'marked broken' });
      expect(healthOf(cm('false'), registry)).toEqual({ status: 'Healthy' });
    });

    it('runs Lua 5.1 functions scripts written for gopher-lua call, with its number formatting', () => {
      expect(healthOf(object('legacy.yaml'), registry)).toEqual({
        status: 'Healthy',
        message:
          'steps=2 maxn=2 first=10,20 pow=1024 mod=1 log10=3 words=3 year=2020 elapsed=yes loadstring=42 pcall=false',
      });
    });
  });

  it.each<[string, string, HealthStatus | undefined]>([
    ['nil', 'return nil', undefined],
    ['nothing', 'local hs = {}', undefined],
    ['an empty table (Argo CD: an empty health)', 'return {}', undefined],
    ['a status and no message', 'return {status = "Suspended"}', { status: 'Suspended' }],
    ['an empty message', 'return {status = "Healthy", message = ""}', { status: 'Healthy' }],
  ])('treats a script returning %s as no opinion or a bare status', async (_name, script, expected) => {
    const check = await runner.healthCheck({ group: 'a.io', kind: 'Thing', script });
    expect(check({ apiVersion: 'a.io/v1', kind: 'Thing', metadata: { name: 't' } })).toEqual(expected);
  });

  it.each<[string, string, string]>([
    [
      'a runtime error, with the script and line',
      'local x = nil\nreturn x.y',
      "a.io/Bad/health.lua:2: attempt to index a nil value (local 'x')",
    ],
    ['a syntax error', 'return {status = ', 'a.io/Bad/health.lua:1: unexpected symbol near <eof>'],
    ['an invalid status', 'return {status = "Great"}', 'returned status "Great"; use one of Healthy'],
    ['a number', 'return 5', 'must return a table like {status = "Healthy", message = "..."}, not number'],
    [
      'a non-string message',
      'return {status = "Healthy", message = {}}',
      'returned a message that is not a string',
    ],
    ['an error object that is a table', 'error({code = 1})', '(error object is a table value)'],
    [
      'a script without metadata access guard',
      'return {status = obj.metadata.name}',
      "attempt to index a nil value (field 'metadata')",
    ],
  ])('reports %s as Unknown with the reason', async (_name, script, message) => {
    const reg = await runner.register(new HealthCheckRegistry(), [{ group: 'a.io', kind: 'Bad', script }]);
    const obj = { apiVersion: 'a.io/v1', kind: 'Bad' } as unknown as KubeObject;
    expect(healthOf(obj, reg)).toMatchObject({
      status: 'Unknown',
      message: expect.stringContaining(message) as unknown as string,
    });
  });

  it('bounds a runaway script in time', async () => {
    const check = await runner.healthCheck(
      { group: 'a.io', kind: 'Loop', script: 'while true do end' },
      { timeoutMs: 50 },
    );
    const started = Date.now();
    expect(() => check({ apiVersion: 'a.io/v1', kind: 'Loop', metadata: { name: 'x' } })).toThrow(
      'a.io/Loop/health.lua ran longer than 50 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives scripts no file, process, module or debug access, and only the clock part of os', async () => {
    const check = await runner.healthCheck({
      group: 'a.io',
      kind: 'Probe',
      script: `return {status = "Healthy", message = table.concat({
        tostring(io), tostring(debug), tostring(package), tostring(dofile), tostring(loadfile),
        tostring(os.execute), tostring(os.getenv), tostring(os.exit), tostring(os.remove),
        type(os.time), type(os.date), type(os.clock), type(os.difftime),
        tostring(pcall(require, "io")), tostring(string.dump),
        tostring(getmetatable("")),
      }, " ")}`,
    });
    expect(check({ apiVersion: 'a.io/v1', kind: 'Probe', metadata: { name: 'p' } })).toEqual({
      status: 'Healthy',
      message: 'nil nil nil nil nil nil nil nil nil function function function function false nil false',
    });
  });

  it('starts every run with fresh globals, as Argo CD does with a new state per run', async () => {
    const check = await runner.healthCheck({
      group: 'a.io',
      kind: 'Counter',
      script: `count = (count or 0) + 1
        string.upper = nil
        return {status = "Healthy", message = tostring(count) .. ("x"):upper()}`,
    });
    const obj: KubeObject = { apiVersion: 'a.io/v1', kind: 'Counter', metadata: { name: 'c' } };
    expect(check(obj)).toEqual({ status: 'Healthy', message: '1X' });
    expect(check(obj)).toEqual({ status: 'Healthy', message: '1X' });
  });

  it('defers to the built-in check when a script returns nothing', async () => {
    const reg = await runner.register(new HealthCheckRegistry(), [
      { group: 'apps', kind: 'Deployment', script: 'return nil' },
    ]);
    const paused: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { paused: true },
    };
    expect(healthOf(paused, reg).status).toBe('Suspended');
  });

  it.each([
    ['cert-manager.io_Certificate', { group: 'cert-manager.io', kind: 'Certificate' }],
    ['_Service', { group: '', kind: 'Service' }],
    ['nounderscore', undefined],
  ])('parses customization key %s', (key, parsed) => {
    expect(parseHealthCustomizationKey(key)).toEqual(parsed);
  });
});

describe('loadHealthCustomizations', () => {
  it('reads group/kind, core kinds at the top level and wildcard directories, in directory order', async () => {
    const scripts = await loadHealthCustomizations(join(testdata, 'resource_customizations'));
    expect(scripts.map((s) => `${s.group}/${s.kind}`)).toEqual([
      '/ConfigMap',
      '_.crossplane.io/_',
      'autoscaling/HorizontalPodAutoscaler',
      'cert-manager.io/Certificate',
      'compat.example.io/Legacy',
      'example.io/Special',
      'example.io/_',
      'jetstream.nats.io/Consumer',
    ]);
  });
});
