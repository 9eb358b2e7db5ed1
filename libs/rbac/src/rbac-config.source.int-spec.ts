import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@berth/testing/eventually';
import { RbacConfigSource } from './rbac-config.source';

// The real file system: the source watches the directory and reloads on change (one real dependency).

const configMap = (policyCsv: string, extra = ''): string =>
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-rbac-cm
data:
  policy.default: role:readonly
${extra}  policy.csv: |
${policyCsv
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

const ops = { iss: 'argocd', sub: 'ops:login' };

describe('RbacConfigSource', () => {
  let dir: string;
  let file: string;
  let source: RbacConfigSource | undefined;
  let logs: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-rbac-'));
    file = join(dir, 'argocd-rbac-cm.yaml');
    logs = [];
  });

  afterEach(() => {
    source?.stop();
    source = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (path: string | undefined): Promise<RbacConfigSource> => {
    source = new RbacConfigSource({
      file: path,
      debounceMs: 20,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    await source.start();
    return source;
  };

  it('without a file, the built-in roles alone are in force', async () => {
    const rbac = await start(undefined);
    expect(rbac.status()).toMatchObject({ status: 'missing', source: undefined });
    await expect(rbac.enforcer.enforce({ sub: 'admin:login' }, 'clusters', 'delete', 'c')).resolves.toBe(
      true,
    );
    await expect(rbac.enforcer.enforce(ops, 'applications', 'get', 'p/a')).resolves.toBe(false);
  });

  it('loads the file, keeps the last good config when a change is bad, and takes the fixed file', async () => {
    writeFileSync(file, configMap('g, ops, role:admin'));
    const rbac = await start(file);
    expect(rbac.status()).toMatchObject({ status: 'ok', source: file, errors: [], warnings: [] });
    const good = rbac.enforcer;
    await expect(good.enforce(ops, 'clusters', 'delete', 'c')).resolves.toBe(true);

    writeFileSync(file, configMap('g, ops, role:admin\np, ops, clusters, synk, *, allow'));
    await eventually(() => expect(rbac.status().status).toBe('invalid'), {
      timeout: 10_000,
      what: 'the bad file to be rejected',
    });
    expect(rbac.status().errors).toEqual([
      {
        key: 'policy.csv',
        line: 2,
        message: 'action "synk" is not an action of clusters; use one of get, create, update, delete, *',
      },
    ]);
    expect(rbac.enforcer).toBe(good);
    expect(logs).toContain(
      `error: RBAC config ${file} rejected, keeping ${file}: policy.csv line 2: action "synk" is not an action of clusters; use one of get, create, update, delete, *`,
    );

    // Replaced the way a ConfigMap mount or an editor does it: a new file renamed over the old one.
    writeFileSync(join(dir, 'next.tmp'), configMap('p, ops, clusters, get, *, allow'));
    renameSync(join(dir, 'next.tmp'), file);
    await eventually(() => expect(rbac.status().status).toBe('ok'), {
      timeout: 10_000,
      what: 'the fixed file to load',
    });
    expect(rbac.enforcer).not.toBe(good);
    await expect(rbac.enforcer.enforce(ops, 'clusters', 'delete', 'c')).resolves.toBe(false);
    await expect(rbac.enforcer.enforce(ops, 'clusters', 'get', 'c')).resolves.toBe(true);
  });

  it('starts on the built-in roles when the first file is bad, and tells listeners when a good one comes', async () => {
    writeFileSync(file, configMap('p, ops, clusters, get, *, allow', '  policy.matchMode: regexp\n'));
    const rbac = await start(file);
    expect(rbac.status()).toMatchObject({ status: 'invalid', source: undefined });
    expect(logs).toContain(
      `error: RBAC config ${file} rejected, keeping the built-in roles only: policy.matchMode: "regexp" is not a match mode; use glob (the default) or regex`,
    );
    await expect(rbac.enforcer.enforce(ops, 'clusters', 'get', 'c')).resolves.toBe(false);

    const changes: unknown[] = [];
    rbac.onChange((enforcer) => changes.push(enforcer));
    writeFileSync(file, configMap('p, ops, clusters, get, *, allow'));
    await eventually(() => expect(changes).toHaveLength(1), {
      timeout: 10_000,
      what: 'the listener to hear of it',
    });
    expect(changes[0]).toBe(rbac.enforcer);
    await expect(rbac.enforcer.enforce(ops, 'clusters', 'get', 'c')).resolves.toBe(true);
  });

  it('keeps the config in force when the file disappears, and picks up a file created later', async () => {
    const rbac = await start(file);
    expect(rbac.status()).toMatchObject({ status: 'missing', source: undefined });
    writeFileSync(file, configMap('p, ops, clusters, get, *, allow'));
    await eventually(() => expect(rbac.status().status).toBe('ok'), {
      timeout: 10_000,
      what: 'the new file to load',
    });
    const loaded = rbac.enforcer;
    rmSync(file);
    await eventually(() => expect(rbac.status().status).toBe('missing'), {
      timeout: 10_000,
      what: 'the removal to be seen',
    });
    expect(rbac.enforcer).toBe(loaded);
    expect(rbac.status().source).toBe(file);
  });
});
