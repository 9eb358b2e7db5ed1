import { describe, expect, it } from '@jest/globals';
import { assertSelector, formatAppList, matchesSelector } from './app-list.format';
import { formatAppGet, formatOperation } from './app-get.format';
import type { Application, RecordedEvent } from './application';
import { latestOperationId, resourceRows } from './resource-rows';

const app: Application = {
  metadata: { name: 'guestbook', namespace: 'argocd', labels: { team: 'web' } },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example.com/apps.git', path: 'guestbook', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
    syncPolicy: { automated: { prune: true } },
  },
  status: {
    sync: { status: 'OutOfSync', revision: '53e28ff20cc530b9ada2173fbbd64d48338583ba' },
    health: { status: 'Progressing' },
    operationState: {
      operation: { operationId: 'op-1' },
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      startedAt: '2026-12-04T10:00:00Z',
      finishedAt: '2026-12-04T10:01:05Z',
      syncResult: { revision: '53e28ff20cc530b9ada2173fbbd64d48338583ba' },
    },
    conditions: [],
    resources: [
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'guestbook',
        name: 'guestbook-ui',
        status: 'Synced',
        health: { status: 'Progressing', message: 'Waiting for rollout to finish' },
      },
      { group: '', kind: 'ConfigMap', namespace: 'guestbook', name: 'extra', status: 'OutOfSync' },
    ],
  },
};

const synced = (
  kind: string,
  name: string,
  result: string,
  extra: Record<string, unknown> = {},
): RecordedEvent => ({
  type: 'ResourceSynced',
  data: {
    operationId: 'op-1',
    resource: { group: kind === 'Deployment' ? 'apps' : '', kind, namespace: 'guestbook', name },
    phase: 'Sync',
    result,
    ...extra,
  },
});

const events: RecordedEvent[] = [
  { type: 'SyncOperationStarted', data: { operationId: 'op-1' } },
  synced('Job', 'migrate', 'created', { hook: true, phase: 'PreSync' }),
  synced('Service', 'guestbook-ui', 'created'),
  synced('Deployment', 'guestbook-ui', 'configured'),
  synced('ConfigMap', 'old', 'pruned'),
  {
    type: 'ResourceSynced',
    data: { operationId: 'other', resource: { kind: 'Secret', name: 'x' }, result: 'created' },
  },
];

describe('app list', () => {
  it("prints Argo CD's columns, REPO PATH TARGET only when wide", () => {
    const [head, row] = formatAppList([app], false).split('\n');
    expect(head!.split(/\s+/)).toEqual([
      'NAME',
      'CLUSTER',
      'NAMESPACE',
      'PROJECT',
      'STATUS',
      'HEALTH',
      'SYNCPOLICY',
      'CONDITIONS',
    ]);
    expect(row!.split(/\s+/)).toEqual([
      'argocd/guestbook',
      'https://kubernetes.default.svc',
      'guestbook',
      'default',
      'OutOfSync',
      'Progressing',
      'Auto-Prune',
      '<none>',
    ]);
    const wide = formatAppList([app], true).split('\n');
    expect(wide[0]!.split(/\s+/).slice(-3)).toEqual(['REPO', 'PATH', 'TARGET']);
    expect(wide[1]!.split(/\s+/).slice(-3)).toEqual([
      'https://git.example.com/apps.git',
      'guestbook',
      'main',
    ]);
  });

  it.each([
    ['team=web', true],
    ['team==web', true],
    ['team!=web', false],
    ['team', true],
    ['!team', false],
    ['team=web,tier=db', false],
  ])('selector %s matches %s', (selector, match) => {
    expect(matchesSelector(app.metadata.labels, selector)).toBe(match);
  });

  it('refuses set-based selectors instead of matching nothing', () => {
    expect(() => assertSelector('team in (web)')).toThrow(/not supported/);
  });
});

describe('resource rows', () => {
  it("joins the operation's results with the statuses, hooks apart, pruned dropped", () => {
    expect(latestOperationId(app, events)).toBe('op-1');
    const rows = resourceRows(app, events, 'op-1');
    expect(rows.map((r) => [r.kind, r.name, r.status, r.health, r.hook, r.message])).toEqual([
      ['Job', 'migrate', '', '', 'PreSync', 'job/migrate created'],
      ['Service', 'guestbook-ui', 'Synced', 'Healthy', '', 'service/guestbook-ui created'],
      ['Deployment', 'guestbook-ui', 'Synced', 'Progressing', '', 'deployment.apps/guestbook-ui configured'],
      ['ConfigMap', 'extra', 'OutOfSync', '', '', ''],
    ]);
  });

  it('keeps pruned resources for a sync result', () => {
    const rows = resourceRows(app, events, 'op-1', { includePruned: true });
    expect(rows.find((r) => r.name === 'old')).toMatchObject({
      status: 'Pruned',
      message: 'configmap/old pruned',
    });
  });
});

describe('app get', () => {
  it("prints Argo CD's summary block, the operation when asked, then the resource table", () => {
    const text = formatAppGet(app, resourceRows(app, events, 'op-1'), {
      server: 'http://localhost:3000',
      canSync: true,
      showOperation: true,
    });
    expect(text).toContain(
      [
        'Name:               argocd/guestbook',
        'Project:            default',
        'Server:             https://kubernetes.default.svc',
        'Namespace:          guestbook',
        'URL:                http://localhost:3000/applications/guestbook',
        'Source:',
        '- Repo:             https://git.example.com/apps.git',
        '  Target:           main',
        '  Path:             guestbook',
        'SyncWindow:         Sync Allowed',
        'Sync Policy:        Auto-Prune',
        'Sync Status:        OutOfSync to main (53e28ff)',
        'Health Status:      Progressing',
      ].join('\n'),
    );
    expect(text).toContain('Duration:           1m5s');
    expect(text).toMatch(/^GROUP\s+KIND\s+NAMESPACE\s+NAME\s+STATUS\s+HEALTH\s+HOOK\s+MESSAGE$/m);
    expect(text).toMatch(
      /^apps\s+Deployment\s+guestbook\s+guestbook-ui\s+Synced\s+Progressing\s+deployment.apps/m,
    );
  });

  it('an operation still running has no Finished, and a duration up to now', () => {
    const text = formatOperation(
      { phase: 'Running', startedAt: '2026-12-04T10:00:00Z' },
      Date.parse('2026-12-04T10:00:30Z'),
    );
    expect(text).toMatch(/^Finished:$/m);
    expect(text).toContain('Duration:           30s');
  });
});
