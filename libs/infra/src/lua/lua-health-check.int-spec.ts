import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthOf, HealthCheckRegistry, type KubeObject } from '@berth/domain';
import { LuaHealthRunner, parseHealthCustomizationKey } from './lua-health-check';

const certificateScript = readFileSync(
  join(process.cwd(), 'libs/infra/src/lua/testdata/cert-manager.io_Certificate.health.lua'),
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

  it('reports a failing, invalid or runaway script as Unknown with the reason', async () => {
    const reg = await runner.register(
      new HealthCheckRegistry(),
      [
        { group: 'a.io', kind: 'Boom', script: 'error("no status block")' },
        { group: 'a.io', kind: 'Bad', script: 'return {status = "Great"}' },
        { group: 'a.io', kind: 'Loop', script: 'while true do end' },
      ],
      { timeoutMs: 50 },
    );
    const obj = (kind: string): KubeObject => ({ apiVersion: 'a.io/v1', kind, metadata: { name: 'x' } });
    expect(healthOf(obj('Boom'), reg)).toMatchObject({
      status: 'Unknown',
      message: expect.stringContaining('no status block'),
    });
    expect(healthOf(obj('Bad'), reg)).toMatchObject({
      status: 'Unknown',
      message: expect.stringContaining('use one of Healthy'),
    });
    const started = Date.now();
    expect(healthOf(obj('Loop'), reg)).toMatchObject({
      status: 'Unknown',
      message: expect.stringContaining('ran longer than 50 ms'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives scripts no file, process or module access', async () => {
    const check = await runner.healthCheck({
      group: 'a.io',
      kind: 'Probe',
      script:
        'return {status = "Healthy", message = tostring(io) .. tostring(os) .. tostring(require) .. tostring(load)}',
    });
    expect(check({ apiVersion: 'a.io/v1', kind: 'Probe', metadata: { name: 'p' } })).toEqual({
      status: 'Healthy',
      message: 'nilnilnilnil',
    });
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
