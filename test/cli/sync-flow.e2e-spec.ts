import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import type { WorkerProcess } from '../e2e/worker-process';
import { guestbook, under } from '../worker/worker-harness';
import { type CliStack, startCliStack } from './cli-stack';

// The whole loop through the built `berth`, as a user in a CI job runs it (no TTY): a real scheduler, a
// worker process, Git and the sandbox cluster. create -> sync (progress lines) -> wait -> get -> diff ->
// history -> rollback -> delete, with Argo CD's exit codes.
let repo: GitFixtureRepo;
let worker: WorkerProcess;

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack({
    name: 'flow',
    files: under('web', guestbook()),
    env: {
      // Deployments seen Progressing right after a sync are compared again soon.
      REFRESH_INTERVAL_SECONDS: '2',
      REFRESH_JITTER_SECONDS: '0',
    },
  });
  ({ repo, worker } = stack);
}, 120_000);

afterAll(() => stack?.stop(), 60_000);

const berth = (...args: string[]) => stack.berth(...args);

describe('berth against a scheduler, a worker and a cluster', () => {
  it("creates and syncs with progress lines, then the result in Argo CD's layout; exit 0", async () => {
    const created = await berth(
      'app',
      'create',
      'web',
      '--repo',
      repo.fileUrl,
      '--path',
      'web',
      '--revision',
      'main',
      '--dest-server',
      'https://kubernetes.default.svc',
      '--dest-namespace',
      'web',
      '--sync-option',
      'CreateNamespace=true',
    );
    expect(created.code).toBe(0);
    const r = await berth('app', 'sync', 'web', '--timeout', '60');
    if (r.code !== 0) throw new Error(`sync exited ${r.code}:\n${r.stdout}\n${r.stderr}\n${worker.log()}`);
    const lines = r.stdout.split('\n');

    // Progress: Argo CD's non-terminal lines, one per resource change, before the result.
    expect(lines[0]).toBe('TIMESTAMP  GROUP  KIND  NAMESPACE  NAME  STATUS  HEALTH  HOOK  MESSAGE');
    expect(r.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z {2}apps {2}Deployment {2}web {2}guestbook-ui {2}\S+ {2}\S+ {2}- {2}deployment\.apps\/guestbook-ui created$/m,
    );
    expect(r.stdout).toContain('Name:               argocd/web');
    expect(r.stdout).toMatch(/^Phase: +Succeeded$/m);
    // The result table: the operation's resources with kubectl's words, the namespace it created too.
    // STATUS/HEALTH are the comparison after the operation; a periodic refresh that began before the
    // operation finished can still stamp it (see the report), so they are not asserted here.
    const table = lines.slice(lines.findIndex((l) => l.startsWith('GROUP')));
    expect(table[0]).toMatch(/^GROUP\s+KIND\s+NAMESPACE\s+NAME\s+STATUS\s+HEALTH\s+HOOK\s+MESSAGE$/);
    for (const row of [
      /^\s+Namespace\s+web\s+\S+/m,
      /^\s+ConfigMap\s+web\s+guestbook-config\s+(\S+\s+){1,2}configmap\/guestbook-config created$/m,
      /^\s+Service\s+web\s+guestbook-ui\s+(\S+\s+){1,2}service\/guestbook-ui created$/m,
      /^apps\s+Deployment\s+web\s+guestbook-ui\s+(\S+\s+){1,2}deployment\.apps\/guestbook-ui created$/m,
    ])
      expect(table.join('\n')).toMatch(row);
    expect(table.filter(Boolean)).toHaveLength(5);
    expect(r.stderr).toBe('');
  }, 120_000);

  it('waits until Synced, Healthy and idle, and prints the app', async () => {
    const r = await berth('app', 'wait', 'web', '--timeout', '60');
    if (r.code !== 0) throw new Error(`wait exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain('Sync Status:        Synced to main');
    expect(r.stdout).toContain('Health Status:      Healthy');
    expect(r.stdout).toMatch(
      /^apps\s+Deployment\s+web\s+guestbook-ui\s+Synced\s+Healthy\s+deployment\.apps\/guestbook-ui created$/m,
    );
  }, 90_000);

  it("gives up after --timeout with Argo CD's message and a non-zero exit", async () => {
    await repo.commit(under('web', guestbook('nginx:1.28')), 'new image');
    await berth('app', 'get', 'web', '--refresh');
    const r = await berth('app', 'wait', 'web', '--sync', '--timeout', '2');
    expect(r.code).toBe(20);
    expect(r.stderr).toContain(
      'error: timed out (2s) waiting for app "web" match desired state; still waiting for sync: OutOfSync',
    );
  }, 60_000);

  it('diff exits 1 with a line diff of what differs; after a sync it exits 0 with no output', async () => {
    // The new image was committed by the test before.
    const before = await berth('app', 'diff', 'web');
    expect(before.code).toBe(1);
    // Only the Deployment differs: one header, a hunk, the live image out and Git's in.
    expect(before.stdout.match(/^===== .* ======$/gm)).toEqual([
      '===== apps/Deployment web/guestbook-ui ======',
    ]);
    expect(before.stdout).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(before.stdout).toMatch(/^- +- image: nginx:(?!1\.28)\S+$/m);
    expect(before.stdout).toMatch(/^\+ +- image: nginx:1\.28$/m);
    // Changed lines are only the image: the server's defaults and status are not in the diff.
    expect(before.stdout.split('\n').filter((l) => /^[-+]/.test(l))).toHaveLength(2);
    const synced = await berth('app', 'sync', 'web', '--timeout', '60');
    if (synced.code !== 0) throw new Error(`sync exited ${synced.code}:\n${synced.stdout}\n${synced.stderr}`);
    const after = await berth('app', 'diff', 'web');
    expect(after).toMatchObject({ code: 0, stdout: '' });
  }, 120_000);

  it('history lists the deployments; rollback re-deploys the first and follows it; history shows it', async () => {
    const history = await berth('app', 'history', 'web');
    const rows = history.stdout.trim().split('\n');
    expect(rows[0]!.split(/\s+/)).toEqual(['ID', 'DATE', 'REVISION']);
    expect(rows.slice(1).map((r) => r.split(/\s+/)[0])).toEqual(['0', '1']);
    expect(rows[1]).toMatch(/main \([0-9a-f]{7}\)$/);

    const r = await berth('app', 'rollback', 'web', '0', '--timeout', '60');
    if (r.code !== 0) throw new Error(`rollback exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/^Phase: +Succeeded$/m);
    const manifests = await berth(
      'app',
      'manifests',
      'web',
      '--revision',
      rows[1]!.match(/\(([0-9a-f]{7})\)/)![1]!,
    );
    expect(manifests.stdout).toContain('image: nginx:1.27');
    const live = await berth('app', 'manifests', 'web', '--source', 'live');
    expect(live.stdout).toMatch(/^kind: Deployment$/m);
    expect(live.stdout).toContain('image: nginx:1.27');
    expect(live.stdout).not.toContain('image: nginx:1.28');

    // diff --revision: the cluster (rolled back to the first deployment) against another revision.
    const [first, second] = [rows[1]!, rows[2]!].map((row) => row.match(/\(([0-9a-f]{7})\)/)![1]!);
    const same = await berth('app', 'diff', 'web', '--revision', first!, '--no-refresh');
    expect(same).toMatchObject({ code: 0, stdout: '' });
    const other = await berth('app', 'diff', 'web', '--revision', second!, '--no-refresh');
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/^\+ +- image: nginx:1\.28$/m);
    const hostile = await berth('app', 'diff', 'web', '--revision=--upload-pack=touch', '--no-refresh');
    expect(hostile.code).toBe(20);
    expect(hostile.stderr).toMatch(/revision.*cannot start with "-"/);
    const wide = (await berth('app', 'history', 'web', '-o', 'wide')).stdout.trim().split('\n');
    expect(wide).toHaveLength(4);
    expect(wide[3]).toMatch(/\srollback\s+admin$/);
  }, 120_000);

  it("resources, set, terminate-op with nothing running, the logs of the app's pods", async () => {
    const resources = (await berth('app', 'resources', 'web')).stdout.trim().split('\n');
    expect(resources[0]!.split(/\s+/)).toEqual(['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'ORPHANED']);
    expect(resources.some((l) => /^apps\s+Deployment\s+web\s+guestbook-ui\s+No$/.test(l))).toBe(true);

    // -o tree: the summary, then what each resource owns below it (the sandbox's ReplicaSets and Pods). The
    // app is OutOfSync here (rolled back to the first revision).
    const tree = await berth('app', 'get', 'web', '-o', 'tree');
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/^KIND\/NAME\s+STATUS\s+HEALTH\s+MESSAGE$/m);
    expect(tree.stdout).toMatch(/^Deployment\/guestbook-ui\s+OutOfSync\s+Healthy\b/m);
    expect(tree.stdout).toMatch(/^[├└]─ReplicaSet\/guestbook-ui-\S+\s+Healthy$/m);
    expect(tree.stdout).toMatch(/^[│ ] [├└]─Pod\/guestbook-ui-\S+\s+\w+$/m);
    expect(tree.stdout).toMatch(/^Service\/guestbook-ui\s+Synced\s+Healthy\b/m);

    const set = await berth('app', 'set', 'web', '--sync-policy', 'automated', '--self-heal');
    expect(set).toMatchObject({ code: 0, stdout: "application 'web' updated\n" });
    expect((await berth('app', 'get', 'web')).stdout).toMatch(/^Sync Policy: +Auto$/m);

    const terminate = await berth('app', 'terminate-op', 'web');
    expect(terminate.code).toBe(20);
    expect(terminate.stderr).toMatch(/^error: terminate the operation of web: /);

    // The sandbox's synthetic log names the image each container started from (GET .../logs).
    const logs = await berth(
      'app',
      'logs',
      'web',
      '--kind',
      'Deployment',
      '--name',
      'guestbook-ui',
      '--tail',
      '5',
    );
    expect(logs).toMatchObject({ code: 0, stderr: '' });
    expect(logs.stdout).toMatch(/^\[sandbox\] container "\S+" started from image "nginx:1\.2\d"/m);
    const refused = await berth('app', 'logs', 'web', '--tail', 'lots');
    expect(refused.code).toBe(20);
    expect(refused.stderr).toMatch(/tailLines/);
  }, 60_000);

  it('a sync whose operation fails exits 1 with the phase and the reason', async () => {
    const r = await berth('app', 'sync', 'web', '--revision', 'no-such-branch', '--timeout', '60');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Operation has completed with phase: (Failed|Error): .*no-such-branch/m);
    expect(r.stdout).toMatch(/^Phase: +(Failed|Error)$/m);
  }, 90_000);

  it('deletes the app and its resources', async () => {
    const r = await berth('app', 'delete', 'web', '-y');
    expect(r).toMatchObject({ code: 0, stdout: "application 'web' deleted\n" });
  }, 60_000);
});
