import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, type KubeObject } from '@berth/domain';
import { loadActionCustomizations } from './action-customizations.loader';
import { actionCustomizationsOfArgoCm } from './argocd-cm-actions';
import { LuaActionRunner } from './lua-resource-actions';

const deployment = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', managedFields: [{ manager: 'berth' }] },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    },
    ...spec,
  },
});

async function refusal(run: Promise<unknown>): Promise<DomainError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('built-in resource actions (Argo CD apps/* actions), in the Lua sandbox', () => {
  const runner = LuaActionRunner.create();

  it('a Deployment offers restart and pause; resume only once paused', async () => {
    expect(await runner.discover(deployment())).toEqual([
      { name: 'pause' },
      { name: 'restart' },
      { name: 'resume', disabled: true },
    ]);
    expect(await runner.discover(deployment({ paused: true }))).toEqual([
      { name: 'pause', disabled: true },
      { name: 'restart' },
      { name: 'resume' },
    ]);
  });

  it('StatefulSets and DaemonSets offer restart; other kinds nothing', async () => {
    for (const kind of ['StatefulSet', 'DaemonSet'])
      expect(await runner.discover({ ...deployment(), kind })).toEqual([{ name: 'restart' }]);
    expect(await runner.discover({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).toEqual(
      [],
    );
  });

  it("restart sets the pod template's restartedAt annotation to now (UTC), and nothing else", async () => {
    const before = Date.now();
    const { patch } = await runner.run(deployment(), 'restart');
    const at = (patch as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec
      .template.metadata.annotations['kubectl.kubernetes.io/restartedAt']!;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(at)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(patch).toEqual({
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } },
    });
  });

  it('restart of a template without metadata makes it', async () => {
    const bare = deployment({ template: { spec: { containers: [] } } });
    const { patch } = await runner.run(bare, 'restart');
    expect(
      Object.keys((patch as { spec: { template: { metadata: object } } }).spec.template.metadata),
    ).toEqual(['annotations']);
  });

  it('pause sets spec.paused; resume removes it (a null in the merge patch)', async () => {
    expect((await runner.run(deployment(), 'pause')).patch).toEqual({ spec: { paused: true } });
    expect((await runner.run(deployment({ paused: true }), 'resume')).patch).toEqual({
      spec: { paused: null },
    });
  });

  it('an action the object does not offer is a 400 naming those it does; a disabled one a 409', async () => {
    const unknown = await refusal(runner.run(deployment(), 'explode'));
    expect([unknown.code, unknown.message]).toEqual([
      'Invalid',
      'Deployment "web" has no action "explode"; its actions are pause, restart, resume',
    ]);
    const disabled = await refusal(runner.run(deployment(), 'resume'));
    expect(disabled.code).toBe('Conflict');
    expect(disabled.message).toMatch(/action "resume" is disabled for Deployment "web"/);
  });
});

describe("customizations: Argo CD's actions/ directories", () => {
  it('replace the built-in actions of their kind, and run in the same sandbox and limits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-actions-'));
    try {
      const actions = join(dir, 'apps', 'Deployment', 'actions');
      await mkdir(join(actions, 'scale-up'), { recursive: true });
      await mkdir(join(actions, 'spin'), { recursive: true });
      await mkdir(join(actions, 'escape'), { recursive: true });
      await mkdir(join(actions, 'steal'), { recursive: true });
      await writeFile(
        join(actions, 'discovery.lua'),
        'return {["scale-up"] = {displayName = "Scale up"}, spin = {}, escape = {}, steal = {}}',
      );
      await writeFile(
        join(actions, 'scale-up', 'action.lua'),
        'obj.spec.replicas = obj.spec.replicas + 1\nreturn obj',
      );
      await writeFile(join(actions, 'spin', 'action.lua'), 'while true do end');
      await writeFile(join(actions, 'escape', 'action.lua'), 'return io.open("/etc/passwd")');
      await writeFile(join(actions, 'steal', 'action.lua'), 'obj.metadata.name = "other"\nreturn obj');
      // A core kind, keyed by the kind alone as Argo CD keys it.
      await mkdir(join(dir, 'ConfigMap', 'actions', 'touch'), { recursive: true });
      await writeFile(join(dir, 'ConfigMap', 'actions', 'discovery.lua'), 'return {touch = {}}');
      await writeFile(
        join(dir, 'ConfigMap', 'actions', 'touch', 'action.lua'),
        'obj.data = obj.data or {}\nobj.data.touched = "yes"\nreturn obj',
      );
      const scripts = await loadActionCustomizations(dir);
      expect(
        scripts.map((s) => `${s.group}/${s.kind}:${Object.keys(s.actions).sort().join(',')}`).sort(),
      ).toEqual(['/ConfigMap:touch', 'apps/Deployment:escape,scale-up,spin,steal']);
      const runner = LuaActionRunner.create([scripts], { timeoutMs: 200 });
      expect((await runner.discover(deployment())).map((a) => a.name)).toEqual([
        'escape',
        'scale-up',
        'spin',
        'steal',
      ]);
      expect((await runner.discover(deployment()))[1]).toEqual({ name: 'scale-up', displayName: 'Scale up' });
      expect((await runner.run(deployment(), 'scale-up')).patch).toEqual({ spec: { replicas: 2 } });
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' } };
      expect((await runner.run(configMap, 'touch')).patch).toEqual({ data: { touched: 'yes' } });

      const spin = await refusal(runner.run(deployment(), 'spin'));
      expect([spin.code, spin.message]).toEqual([
        'Conflict',
        'apps/Deployment/actions/spin/action.lua ran longer than 200 ms and was stopped',
      ]);
      const escape = await refusal(runner.run(deployment(), 'escape'));
      expect(escape.message).toMatch(/escape\/action\.lua failed: .*io/);
      const steal = await refusal(runner.run(deployment(), 'steal'));
      expect(steal.message).toMatch(/returned another object/);
      // The sandbox survives all of it.
      expect((await runner.run(deployment(), 'scale-up')).patch).toEqual({ spec: { replicas: 2 } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("argocd-cm's resource.customizations.actions.<group>_<kind>", () => {
  const key = `discovery.lua: |
  return {["scale-to-two"] = {}}
definitions:
  - name: scale-to-two
    action.lua: |
      obj.spec.replicas = 2
      return obj
`;

  it('replace the built-in actions of the kind, or join them with mergeBuiltinActions', async () => {
    const alone = actionCustomizationsOfArgoCm({
      'resource.customizations.actions.apps_Deployment': key,
      url: 'x',
    });
    expect(alone.map((s) => [s.group, s.kind, Object.keys(s.actions)])).toEqual([
      ['apps', 'Deployment', ['scale-to-two']],
    ]);
    const runner = LuaActionRunner.create([alone]);
    expect((await runner.discover(deployment())).map((a) => a.name)).toEqual(['scale-to-two']);
    expect((await runner.run(deployment(), 'scale-to-two')).patch).toEqual({ spec: { replicas: 2 } });
    const merged = actionCustomizationsOfArgoCm({
      'resource.customizations.actions.apps_Deployment': `${key}mergeBuiltinActions: true\n`,
    });
    const both = runner.with([merged]);
    expect((await both.discover(deployment())).map((a) => a.name)).toEqual([
      'pause',
      'restart',
      'resume',
      'scale-to-two',
    ]);
    expect((await both.run(deployment(), 'pause')).patch).toEqual({ spec: { paused: true } });
  });

  it('a key that cannot be read is a 409 naming it', () => {
    for (const [value, message] of [
      ['definitions: [{name: x}]', /discovery\.lua is missing/],
      ['discovery.lua: x\ndefinitions: [{name: "--x", action.lua: y}]', /definitions\[0\]\.name/],
      ['discovery.lua: x\ndefinitions: [{name: ok}]', /definitions\[0\] has no action\.lua/],
      ['{', /is not one YAML document/],
    ] as const) {
      let error: unknown;
      try {
        actionCustomizationsOfArgoCm({ 'resource.customizations.actions.apps_Deployment': value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).message).toMatch(
        /^argocd-cm resource\.customizations\.actions\.apps_Deployment: /,
      );
      expect((error as DomainError).message).toMatch(message);
    }
  });
});
