import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotificationsConfigError, formatConfigIssue } from './notifications-config.errors';
import { parseNotificationsConfig, parseNotificationsConfigOrThrow } from './notifications-config.parser';
import type { ConfigIssue } from './notifications-config.types';

// Jest runs from the repository root (jest.config.mjs rootDir).
const TESTDATA = join(process.cwd(), 'libs', 'notifications', 'testdata');
const read = (name: string): string => readFileSync(join(TESTDATA, name), 'utf8');

const SECRETS: Record<string, string> = {
  'slack-token': 'xoxb-123',
  'slack-ops-hook': 'XYZ',
  'dingtalk-token': 'dt-abc',
  'dingtalk-secret': 'SECdeadbeef',
  'github-token': 'ghp_1',
  'github-password': 'pw',
};
const lookup = (name: string): string | undefined => SECRETS[name];

function errorsOf(data: Record<string, string>): string[] {
  const result = parseNotificationsConfig(data, { secrets: lookup });
  return result.ok ? [] : result.errors.map(formatConfigIssue);
}

describe('parseNotificationsConfig', () => {
  it('loads the Argo CD catalog install.yaml: 8 triggers, 8 templates, no errors', () => {
    const result = parseNotificationsConfig(read('catalog/install.yaml'));
    if (!result.ok) throw new Error(result.errors.map(formatConfigIssue).join('\n'));
    expect(Object.keys(result.config.triggers).sort()).toEqual([
      'on-created',
      'on-deleted',
      'on-deployed',
      'on-health-degraded',
      'on-sync-failed',
      'on-sync-running',
      'on-sync-status-unknown',
      'on-sync-succeeded',
    ]);
    expect(Object.keys(result.config.templates)).toHaveLength(8);
    const deployed = result.config.templates['app-deployed']!;
    expect(deployed.message).toContain('is now running new version');
    expect(deployed.slack?.attachments).toContain('"color": "#18be52"');
    expect(result.config.triggers['on-created']!.conditions[0]!.when.source).toBe('true');
  });

  it('loads the seed example and resolves $slack-token from the secret', () => {
    const config = parseNotificationsConfigOrThrow(read('seed-argocd-notifications-cm.yaml'), {
      secrets: lookup,
    });
    expect(config.services.slack).toMatchObject({
      type: 'slack',
      token: 'xoxb-123',
      apiURL: 'https://slack.com/api/',
    });
    expect(config.triggers['on-sync-status']!.conditions[0]!.send).toEqual(['app-sync-status']);
  });

  it('parses every supported section of a ConfigMap', () => {
    const result = parseNotificationsConfig(read('berth-notifications-cm.yaml'), { secrets: lookup });
    if (!result.ok) throw new Error(result.errors.map(formatConfigIssue).join('\n'));
    const { config, warnings } = result;
    expect(config.context).toEqual({ argocdUrl: 'https://argocd.example.com' });
    expect(config.services.slack).toMatchObject({
      name: 'slack',
      token: 'xoxb-123',
      username: 'berth',
      icon: ':rocket:',
    });
    expect(config.services.ops).toMatchObject({
      type: 'slack',
      webhookURL: 'https://hooks.slack.com/services/T000/B000/XYZ',
    });
    expect(config.services.dingtalk).toEqual({
      type: 'dingtalk',
      name: 'dingtalk',
      webhookURL: 'https://oapi.dingtalk.com/robot/send?access_token=dt-abc',
      secret: 'SECdeadbeef',
      atMobiles: ['13800000000'],
      isAtAll: undefined,
    });
    expect(config.services.github).toEqual({
      type: 'webhook',
      name: 'github',
      url: 'https://api.github.com',
      headers: [{ name: 'Authorization', value: 'token ghp_1' }],
      basicAuth: { username: 'bot', password: 'pw' },
      insecureSkipVerify: undefined,
    });
    expect(config.services.email).toBeUndefined();
    expect(warnings.map(formatConfigIssue)).toEqual([
      expect.stringMatching(/^service.email: service type "email" is not supported/),
    ]);
    const template = config.templates['app-sync-succeeded']!;
    expect(template.slack).toMatchObject({
      groupingKey: '{{.app.status.sync.revision}}',
      notifyBroadcast: true,
      deliveryPolicy: 'PostAndUpdate',
    });
    expect(template.dingtalk).toMatchObject({ msgType: 'markdown', title: 'Sync succeeded' });
    expect(template.webhook?.github).toEqual({
      method: 'POST',
      path: '/repos/acme/app/statuses/{{.app.status.operationState.operation.sync.revision}}',
      body: '{"state": "success"}',
    });
    expect(config.defaultTriggers).toEqual(['on-sync-succeeded']);
    expect(config.defaultTriggersByService).toEqual({ dingtalk: ['on-sync-succeeded'] });
    expect(config.subscriptions).toEqual([
      {
        recipients: [
          { service: 'slack', recipient: 'prod-alerts' },
          { service: 'dingtalk', recipient: '' },
        ],
        triggers: ['on-sync-succeeded'],
        selector: [
          { key: 'env', op: 'in', values: ['prod', 'staging'] },
          { key: 'canary', op: '!exists' },
        ],
      },
    ]);
  });

  it('accepts the bare data map as well as the ConfigMap', () => {
    const result = parseNotificationsConfig({
      'template.t': 'message: hi',
      'trigger.x': '- when: true\n  send: [t]',
    });
    expect(result.ok).toBe(true);
  });

  const template = 'message: hi';
  const cases: Array<[string, Record<string, string>, string[]]> = [
    [
      'syntax error in when, with position',
      {
        'template.t': template,
        'trigger.on-sync-succeeded': "- when: app.status.operationState.phase in ['Succeeded'])\n  send: [t]",
      },
      ['trigger.on-sync-succeeded[0].when: unexpected token ")" at 49'],
    ],
    [
      'bad oncePer on the second condition',
      {
        'template.t': template,
        'trigger.x': '- when: "true"\n  send: [t]\n- when: "true"\n  send: [t]\n  oncePer: app.',
      },
      ['trigger.x[1].oncePer: expected a field name after "." at 5'],
    ],
    [
      'trigger given as a bare map',
      { 'template.t': template, 'trigger.x': 'when: "true"\nsend: [t]' },
      [expect.stringMatching(/^trigger.x: must be a list of conditions/) as unknown as string],
    ],
    [
      'unknown template in send',
      { 'template.t': template, 'trigger.x': '- when: "true"\n  send: [t, nope]' },
      ['trigger.x[0].send[1]: template "nope" is not defined: add a template.nope key or fix the name'],
    ],
    [
      'missing secret',
      { 'service.slack': 'token: $missing-token' },
      [
        'service.slack.token: secret reference "$missing-token" cannot be resolved: add key "missing-token" to argocd-notifications-secret or fix the reference',
      ],
    ],
    [
      'slack without token or webhook',
      { 'service.slack': 'username: x' },
      [
        'service.slack: set token (a bot token, usually token: $slack-token) or webhookURL (an incoming webhook URL)',
      ],
    ],
    [
      'webhook without url',
      { 'service.webhook.hook': 'headers: []' },
      [expect.stringMatching(/^service.webhook.hook.url: is required/) as unknown as string],
    ],
    [
      'webhook with a relative url',
      { 'service.webhook.hook': 'url: /x' },
      ['service.webhook.hook.url: must be an absolute http(s) URL'],
    ],
    [
      'too many service key parts',
      { 'service.webhook.a.b': 'url: http://x' },
      [expect.stringMatching(/^service.webhook.a.b: invalid service key/) as unknown as string],
    ],
    [
      'invalid YAML value',
      { 'template.t': 'message: [unclosed' },
      [expect.stringMatching(/^template.t: value is not valid YAML/) as unknown as string],
    ],
    [
      'Update policy without groupingKey',
      { 'template.t': 'slack:\n  deliveryPolicy: Update' },
      ['template.t.slack.deliveryPolicy: Update updates the first message of a thread: set groupingKey too'],
    ],
    [
      'bad dingtalk msgType',
      { 'template.t': 'dingtalk:\n  msgType: feedCard' },
      ['template.t.dingtalk.msgType: must be one of markdown, text, actionCard'],
    ],
    [
      'bad webhook method',
      { 'template.t': 'webhook:\n  hook:\n    method: FETCH' },
      [expect.stringMatching(/^template.t.webhook.hook.method: must be one of GET/) as unknown as string],
    ],
    [
      'unknown default trigger',
      { defaultTriggers: '[on-nothing]' },
      [
        'defaultTriggers[0]: trigger "on-nothing" is not defined: add a trigger.on-nothing key or fix the name',
      ],
    ],
    [
      'subscription to an unconfigured service and bad selector',
      { subscriptions: '- recipients: [teams:x]\n  selector: "env in (prod"' },
      [
        'subscriptions[0].recipients[0]: service "teams" is not configured: add service.teams or fix the name',
        'subscriptions[0].recipients: list at least one "<service>:<recipient>"',
        'subscriptions[0].selector: invalid label selector "env in (prod": unbalanced parentheses',
      ],
    ],
  ];
  it.each(cases)('reports %s', (_name, data, expected) => {
    expect(errorsOf(data)).toEqual(expected);
  });

  it('returns all errors at once, and the throwing variant lists them', () => {
    const data = {
      'service.slack': 'token: $nope',
      'template.t': 'slack:\n  deliveryPolicy: Sometimes',
      'trigger.a': '- when: "(("\n  send: [t]',
      'trigger.b': '- when: "true"\n  send: [missing]',
    };
    expect(errorsOf(data)).toHaveLength(4);
    let error: unknown;
    try {
      parseNotificationsConfigOrThrow(data, { secrets: lookup });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NotificationsConfigError);
    expect((error as NotificationsConfigError).issues.map((i: ConfigIssue) => i.key)).toEqual([
      'template.t.slack.deliveryPolicy',
      'service.slack.token',
      'trigger.a[0].when',
      'trigger.b[0].send[0]',
    ]);
    expect((error as NotificationsConfigError).message).not.toContain('xoxb');
  });

  it('runs the checkTemplate hook on every template string and names the field', () => {
    const result = parseNotificationsConfig(
      { 'template.t': 'message: "{{ .app"\nslack:\n  attachments: "ok"' },
      { checkTemplate: (s) => (s.includes('{{') && !s.includes('}}') ? 'unclosed action' : undefined) },
    );
    expect(result.ok ? [] : result.errors.map(formatConfigIssue)).toEqual([
      'template.t.message: unclosed action',
    ]);
  });

  it('runs the checkDestination hook on every service endpoint and names the field', () => {
    const result = parseNotificationsConfig(
      {
        'service.slack': 'token: t\napiURL: http://blocked.example/api/',
        'service.dingtalk': 'accessToken: a\napiURL: http://blocked.example',
        'service.webhook.ok': 'url: https://hooks.example.com/x',
        'service.webhook.no': 'url: http://blocked.example/x',
      },
      { checkDestination: (url) => (url.hostname === 'blocked.example' ? 'refused host' : undefined) },
    );
    expect(result.ok ? [] : result.errors.map(formatConfigIssue).sort()).toEqual([
      'service.dingtalk.webhookURL: refused host',
      'service.slack.apiURL: refused host',
      'service.webhook.no.url: refused host',
    ]);
  });

  it('never puts a resolved secret in an error message', () => {
    const errors = errorsOf({ 'service.webhook.x': 'url: $github-token' });
    expect(errors).toEqual(['service.webhook.x.url: must be an absolute http(s) URL']);
  });
});
