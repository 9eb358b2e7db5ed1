import { beforeAll, describe, expect, it } from '@jest/globals';
import { validateApplication } from '@berth/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './built-entrypoints';

// The demo is plain Node ESM (scripts/demo.mjs + demo/lib/*.mjs, no types): load its pure helpers by path.
const lib = (file: string) => join(REPO_ROOT, 'demo/lib', file);
interface DemoSteps {
  applicationYaml(env: string, repoURL: string, policy: unknown): string;
  describeAuditRow(row: Record<string, unknown>): string;
}
interface DemoGitRepo {
  withImageTag(text: string, tag: string): string;
  withConfigValue(text: string, key: string, value: string): string;
}
interface DemoTerminal {
  formatTable(headers: string[], rows: unknown[][]): string[];
}
let steps: DemoSteps;
let gitRepo: DemoGitRepo;
let terminal: DemoTerminal;

beforeAll(async () => {
  steps = (await import(lib('demo-steps.mjs'))) as DemoSteps;
  gitRepo = (await import(lib('demo-git-repo.mjs'))) as DemoGitRepo;
  terminal = (await import(lib('terminal.mjs'))) as DemoTerminal;
});

describe('the demo Applications', () => {
  const cases: Array<[string, unknown, object]> = [
    [
      'dev',
      { prune: true, selfHeal: true, autoRollback: '30s' },
      { automated: { prune: true, selfHeal: true } },
    ],
    ['staging', { prune: false, selfHeal: false }, { automated: { prune: false, selfHeal: false } }],
    ['prod', 'manual', { syncOptions: ['CreateNamespace=true'] }],
  ];
  it.each(cases)('api-%s is a valid Application with the intended sync policy', (env, policy, expected) => {
    const result = validateApplication(parse(steps.applicationYaml(env, 'file:///tmp/repo.git', policy)));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // No "unknown field" warnings either: the demo uses only fields this build knows (autoRollback included).
    expect(result.warnings).toEqual([]);
    const doc = result.application;
    expect(doc.spec.syncPolicy).toMatchObject(expected);
    expect(doc.spec.source).toEqual({
      repoURL: 'file:///tmp/repo.git',
      targetRevision: 'main',
      path: `overlays/${env}`,
    });
    if (policy === 'manual') expect(doc.spec.syncPolicy?.automated).toBeUndefined();
    // Every app subscribes to the demo's webhook service, as Argo CD apps subscribe with annotations.
    expect(Object.keys(doc.metadata.annotations ?? {})).toContain(
      'notifications.argoproj.io/subscribe.on-deployed.demo',
    );
  });
});

/** The parts of the overlay files these tests read. */
const kustomization = (text: string) => parse(text) as { images?: unknown; [field: string]: unknown };
const configMap = (text: string) => parse(text) as { data?: Record<string, string> };

describe('the demo edits of the seed overlays', () => {
  const overlay = (path: string) =>
    readFileSync(join(REPO_ROOT, 'demo/k8s-manifests/overlays', path), 'utf8');

  it('sets the image tag of the dev overlay and nothing else', () => {
    const before = overlay('dev/kustomization.yaml');
    const after = gitRepo.withImageTag(before, 'doesnotexist');
    expect(kustomization(after).images).toEqual([{ name: 'myregistry.io/api', newTag: 'doesnotexist' }]);
    expect({ ...kustomization(after), images: undefined }).toEqual({
      ...kustomization(before),
      images: undefined,
    });
  });

  it('sets one key of the dev ConfigMap and keeps the others', () => {
    const after = configMap(gitRepo.withConfigValue(overlay('dev/configmap.yaml'), 'LOG_LEVEL', 'trace'));
    expect(after.data).toEqual({ NODE_ENV: 'development', LOG_LEVEL: 'trace', MAX_CONNECTIONS: '1000' });
  });
});

describe('demo output helpers', () => {
  it('formats a table with columns as wide as their widest cell', () => {
    expect(
      terminal.formatTable(
        ['APP', 'SYNC'],
        [
          ['api-dev', 'Synced'],
          ['api-prod', null],
        ],
      ),
    ).toEqual(['APP       SYNC', '--------  ------', 'api-dev   Synced', 'api-prod']);
  });

  const rows: Array<[Record<string, unknown>, string]> = [
    [
      {
        event_type: 'HealthStatusChanged',
        summary: 'HealthStatusChanged',
        data: { from: 'Progressing', to: 'Degraded', message: 'deadline' },
      },
      'Progressing -> Degraded: deadline',
    ],
    [
      {
        event_type: 'SyncStatusChanged',
        summary: 'SyncStatusChanged',
        data: { from: 'Synced', to: 'OutOfSync', revision: 'abcdef0123' },
      },
      'Synced -> OutOfSync at abcdef0',
    ],
    [
      { event_type: 'ApplicationCreated', summary: 'created application api-dev', data: {} },
      'created application api-dev',
    ],
  ];
  it.each(rows)('describes audit row %#', (row, text) => {
    expect(steps.describeAuditRow(row)).toBe(text);
  });
});
