import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './label-selector';
import { parseNotificationsConfigOrThrow } from './notifications-config.parser';
import { resolveSubscriptions } from './subscriptions';

// Jest runs from the repository root (jest.config.mjs rootDir).
const TESTDATA = join(process.cwd(), 'libs', 'notifications', 'testdata');
const config = parseNotificationsConfigOrThrow(
  readFileSync(join(TESTDATA, 'berth-notifications-cm.yaml'), 'utf8'),
  {
    secrets: (name) => `secret-${name}`,
  },
);
const withTriggers = {
  ...config,
  triggers: { ...config.triggers, 'on-sync-failed': { name: 'on-sync-failed', conditions: [] } },
  defaultTriggers: ['on-sync-succeeded', 'on-sync-failed'],
};

function resolve(
  annotations: Record<string, string>,
  labels: Record<string, string> = {},
  projectAnnotations?: Record<string, string>,
) {
  const r = resolveSubscriptions(
    withTriggers,
    { metadata: { annotations, labels } },
    projectAnnotations ? { metadata: { annotations: projectAnnotations } } : undefined,
  );
  return {
    byTrigger: Object.fromEntries(r.byTrigger),
    issues: r.issues.map((i) => `${i.key}: ${i.message}`),
  };
}

describe('resolveSubscriptions', () => {
  it('reads subscribe.<trigger>.<service> with ;-separated recipients', () => {
    expect(
      resolve({ 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'chan-a; chan-b;' }).byTrigger,
    ).toEqual({
      'on-sync-succeeded': [
        { service: 'slack', recipient: 'chan-a' },
        { service: 'slack', recipient: 'chan-b' },
      ],
    });
  });

  it('an empty value is one empty recipient (webhooks)', () => {
    expect(resolve({ 'notifications.argoproj.io/subscribe.on-sync-succeeded.github': '' }).byTrigger).toEqual(
      {
        'on-sync-succeeded': [{ service: 'github', recipient: '' }],
      },
    );
  });

  it('subscribe.<service> uses defaultTriggers.<service>, else defaultTriggers', () => {
    const r = resolve({
      'notifications.argoproj.io/subscribe.slack': 'chan',
      'notifications.argoproj.io/subscribe.dingtalk': '',
    });
    expect(r.byTrigger).toEqual({
      'on-sync-succeeded': [
        { service: 'slack', recipient: 'chan' },
        { service: 'dingtalk', recipient: '' },
      ],
      'on-sync-failed': [{ service: 'slack', recipient: 'chan' }],
    });
  });

  it('merges the AppProject annotations and dedupes per trigger', () => {
    const r = resolve(
      { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'chan' },
      {},
      { 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'chan;team' },
    );
    expect(r.byTrigger['on-sync-failed']).toEqual([
      { service: 'slack', recipient: 'chan' },
      { service: 'slack', recipient: 'team' },
    ]);
  });

  it('reads the subscriptions YAML annotation', () => {
    const r = resolve({
      'notifications.argoproj.io/subscriptions':
        '- trigger: [on-sync-failed]\n  destinations:\n    - service: slack\n      recipients: [a, b]',
    });
    expect(r.byTrigger).toEqual({
      'on-sync-failed': [
        { service: 'slack', recipient: 'a' },
        { service: 'slack', recipient: 'b' },
      ],
    });
  });

  it('applies global subscriptions whose selector matches the app labels', () => {
    expect(resolve({}, { env: 'prod' }).byTrigger).toEqual({
      'on-sync-succeeded': [
        { service: 'slack', recipient: 'prod-alerts' },
        { service: 'dingtalk', recipient: '' },
      ],
    });
    expect(resolve({}, { env: 'prod', canary: 'true' }).byTrigger).toEqual({});
    expect(resolve({}, { env: 'dev' }).byTrigger).toEqual({});
  });

  it('reports unknown triggers and services instead of sending', () => {
    const r = resolve({
      'notifications.argoproj.io/subscribe.on-nothing.slack': 'x',
      'notifications.argoproj.io/subscribe.on-sync-failed.teams': 'x',
    });
    expect(r.byTrigger).toEqual({});
    expect(r.issues).toEqual([
      'app.metadata.annotations["notifications.argoproj.io/subscribe.on-nothing.slack"]: trigger "on-nothing" is not configured: add trigger.on-nothing to argocd-notifications-cm',
      'app.metadata.annotations["notifications.argoproj.io/subscribe.on-sync-failed.teams"]: service "teams" is not configured: add service.teams to argocd-notifications-cm',
    ]);
  });
});

describe('label selectors', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['', { a: 'b' }, true],
    ['env=prod', { env: 'prod' }, true],
    ['env==prod', { env: 'dev' }, false],
    ['env!=prod', {}, true],
    ['env in (prod, staging)', { env: 'staging' }, true],
    ['env notin (prod)', { env: 'prod' }, false],
    ['team', { team: 'x' }, true],
    ['!team', { team: 'x' }, false],
    ['app.kubernetes.io/part-of=shop,tier', { 'app.kubernetes.io/part-of': 'shop', tier: 'web' }, true],
  ];
  it.each(cases)('%s on %p -> %p', (selector, labels, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['env in (prod', 'env=pr od', '=x', 'a,,b'])('rejects %s', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });
});
