import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_ADMIN_PASSWORD } from '@berth/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { BerthCli, listen } from './berth-cli';

// The built `berth appset` against a real scheduler (Postgres, Redis) over HTTP: create (dry run,
// upsert), list, get, generate and delete. No worker: the generated apps are what generate answers.
let s: TestScheduler;
let cli: BerthCli;
let file: string;

const yaml = (path: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  labels: { team: web }
spec:
  generators:
    - list:
        elements:
          - cluster: engineering-dev
            url: https://kubernetes.default.svc
  template:
    metadata:
      name: '{{cluster}}-guestbook'
    spec:
      project: default
      source:
        repoURL: https://github.com/argoproj/argo-cd.git
        targetRevision: HEAD
        path: ${path}
      destination:
        server: '{{url}}'
        namespace: guestbook
`;

beforeAll(async () => {
  s = await startTestScheduler();
  const url = await listen(s.app);
  cli = await BerthCli.create();
  file = join(cli.home, 'appset.yaml');
  await writeFile(file, yaml('applicationset/examples/list-generator/guestbook/{{cluster}}'));
  expect((await cli.run(['login', url, '--username', 'admin', '--password', TEST_ADMIN_PASSWORD])).code).toBe(
    0,
  );
}, 60_000);

afterAll(async () => {
  await s?.ctx.queues.applicationSet.obliterate({ force: true });
  await cli?.close();
  await s?.close();
});

const berth = (...args: string[]) => cli.run(args);

describe('berth appset', () => {
  it('generates, creates (dry run first), lists, gets, refuses a changed spec without --upsert and deletes', async () => {
    const generated = await berth('appset', 'generate', '-f', file);
    expect(generated.code).toBe(0);
    expect(generated.stdout.split('\n')[1]).toMatch(
      /^engineering-dev-guestbook\s+https:\/\/kubernetes.default.svc\s+guestbook\s+default\s+/,
    );

    const dry = await berth('appset', 'create', '-f', file, '--dry-run');
    expect(dry.stdout).toContain("ApplicationSet 'guestbook' would be created or updated (dry run)");
    expect((await berth('appset', 'list', '-o', 'name')).stdout).toBe('');

    const created = await berth('appset', 'create', '-f', file);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain("ApplicationSet 'guestbook' created");
    const list = await berth('appset', 'list', '-l', 'team=web');
    expect(list.stdout.split('\n').map((l) => l.split(/\s+/).filter(Boolean))).toEqual([
      ['NAME', 'PROJECT', 'SYNCPOLICY', 'CONDITIONS'],
      ['argocd/guestbook', 'default', 'nil', '[]'],
      [],
    ]);
    expect((await berth('appset', 'get', 'guestbook')).stdout).toContain(
      'Name:               argocd/guestbook',
    );

    await writeFile(file, yaml('other/{{cluster}}'));
    const refused = await berth('appset', 'create', '-f', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('use upsert flag to force update');
    expect((await berth('appset', 'create', '-f', file, '--upsert')).code).toBe(0);

    const deleted = await berth('appset', 'delete', 'guestbook', '-y');
    expect(deleted.stdout).toBe("applicationset 'guestbook' deleted\n");
    const missing = await berth('appset', 'get', 'guestbook');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('applicationset "guestbook" not found');
  });
});
