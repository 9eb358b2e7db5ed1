import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  type ApplicationEvent,
  type ApplicationManifest,
  type ArgoApplication,
  foldApplication,
  type RecordedApplicationEvent,
  toArgoApplication,
} from '@berth/domain';
import { DEFAULT_RENDER_BUDGET } from '@berth/gotemplate';
import { evaluateTriggers, markDelivered, parseNotificationsConfigOrThrow } from '@berth/notifications';
import { CompiledTemplates, renderDelivery } from './delivery.render';

// Berth's on-sync-awaiting-approval (docs/approvals.md), as shipped in config/notifications.yaml and the
// demo's config: it fires once per gated operation while it waits, and its template says who asked, how many
// approvals it has and until when.

const manifest: ApplicationManifest = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'api-prod' },
  spec: {
    project: 'prod',
    source: { repoURL: 'https://github.com/acme/api.git', path: 'prod', targetRevision: 'HEAD' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'prod' },
  },
};

function stream(events: Array<Omit<ApplicationEvent, 'schemaVersion'>>): RecordedApplicationEvent[] {
  return events.map(
    (event, i) =>
      ({
        ...event,
        schemaVersion: 1,
        streamVersion: i + 1,
        recordedAt: new Date(Date.UTC(2026, 0, 10, 12, 0, i)),
        metadata: { actor: 'alice' },
      }) as RecordedApplicationEvent,
  );
}

const gated = (operationId: string): Array<Omit<ApplicationEvent, 'schemaVersion'>> => [
  {
    type: 'SyncRequested',
    data: {
      application: 'api-prod',
      operationId,
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
    },
  },
  {
    type: 'SyncApprovalRequested',
    data: {
      application: 'api-prod',
      operationId,
      project: 'prod',
      requestedBy: 'alice',
      requiredApprovals: 2,
      expiresAt: '2026-01-11T12:00:00.000Z',
      policies: [0],
    },
  },
];
const approved = (operationId: string, approvedBy: string, approvals: number) => ({
  type: 'SyncApproved' as const,
  data: { application: 'api-prod', operationId, approvedBy, approvals, requiredApprovals: 2 },
});
const created = {
  type: 'ApplicationCreated' as const,
  data: { application: 'api-prod', project: 'prod', manifest },
};

const appAfter = (events: Array<Omit<ApplicationEvent, 'schemaVersion'>>): ArgoApplication =>
  toArgoApplication(foldApplication('api-prod', stream(events)))!;

describe.each([['config/notifications.yaml'], ['demo/notifications-cm.yaml']])('%s', (file) => {
  const text = readFileSync(join(process.cwd(), file), 'utf8').replace(
    '${DEMO_RECEIVER_URL}',
    'http://127.0.0.1:1/',
  );
  const config = parseNotificationsConfigOrThrow(text, { secrets: () => 'x' });
  const evaluate = (app: ArgoApplication, state?: Parameters<typeof evaluateTriggers>[2]) =>
    evaluateTriggers(config, app, state, {
      now: Date.parse('2026-01-10T13:00:00Z'),
      triggers: ['on-sync-awaiting-approval'],
    });

  it('fires once per waiting operation, not for an ungated sync nor once it is approved', () => {
    const ungated = appAfter([created, gated('op-0')[0]!]);
    expect(evaluate(ungated).fire).toEqual([]);

    const waiting = evaluate(appAfter([created, ...gated('op-1')]));
    expect(waiting.fire).toEqual([
      expect.objectContaining({ trigger: 'on-sync-awaiting-approval', oncePerKey: 'op-1' }),
    ]);
    const delivered = markDelivered(waiting.nextState, waiting.fire[0]!, Date.parse('2026-01-10T13:00:00Z'));
    // The first approval changes the message, not the fact that it waits: said once.
    expect(
      evaluate(appAfter([created, ...gated('op-1'), approved('op-1', 'bob', 1)]), delivered).fire,
    ).toEqual([]);
    expect(
      evaluate(
        appAfter([created, ...gated('op-1'), approved('op-1', 'bob', 1), approved('op-1', 'carol', 2)]),
        delivered,
      ).fire,
    ).toEqual([]);
    // Approved (or rejected, expired): it no longer waits, whatever was sent before.
    expect(
      evaluate(
        appAfter([created, ...gated('op-2'), approved('op-2', 'bob', 1), approved('op-2', 'carol', 2)]),
      ).fire,
    ).toEqual([]);
  });

  it('renders who asked, how many approvals and until when', () => {
    const fired = evaluate(appAfter([created, ...gated('op-1'), approved('op-1', 'bob', 1)]));
    const service = file.startsWith('demo') ? 'demo' : 'slack';
    const rendered = renderDelivery(
      {
        templates: fired.fire[0]!.send.map((name) => config.templates[name]!),
        app: appAfter([created, ...gated('op-1'), approved('op-1', 'bob', 1)]),
        context: {},
        service,
        recipient: 'approvers',
        commits: {},
      },
      DEFAULT_RENDER_BUDGET,
      new CompiledTemplates(),
    );
    const text = file.startsWith('demo') ? rendered.webhook!['demo']!.body! : rendered.message;
    expect(text).toContain('alice');
    expect(text).toContain('2026-01-11T12:00:00.000Z');
    expect(text).not.toContain('<no value>');
    if (!file.startsWith('demo')) expect(text).toContain('1 of 2');
  });
});
