import { describe, expect, it } from '@jest/globals';
import type { NotificationTemplate } from '../config/notifications-config.types';
import { NotificationRenderError, buildTemplateData, renderNotification } from './notification-renderer';

// A stand-in for the Go template engine: replaces {{.path.to.value}} and fails on {{fail}}.
function fakeRender(source: string, data: unknown): string {
  return source.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'fail') throw new Error('template: boom');
    let v: unknown = data;
    for (const key of expr.replace(/^\./, '').split('.'))
      v = (v as Record<string, unknown> | undefined)?.[key];
    return v === undefined ? '<no value>' : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

const data = buildTemplateData({
  app: { metadata: { name: 'guestbook' } },
  context: { argocdUrl: 'https://argo' },
  service: 'slack',
  recipient: 'deploys',
});

describe('renderNotification', () => {
  it('exposes Argo CD template variables', () => {
    expect(data).toMatchObject({
      serviceType: 'slack',
      recipient: 'deploys',
      context: { notificationType: 'slack', argocdUrl: 'https://argo' },
    });
  });

  it('merges templates in order like notifications-engine', () => {
    const templates: NotificationTemplate[] = [
      {
        name: 'a',
        message: '{{.app.metadata.name}} synced',
        slack: { attachments: '[{"title":"{{.app.metadata.name}}"}]', notifyBroadcast: true },
        webhook: { gh: { method: 'POST', body: 'a' } },
      },
      {
        name: 'b',
        message: '',
        slack: { blocks: '[]' },
        webhook: { jira: { method: 'PUT', path: '/{{.recipient}}' } },
      },
    ];
    expect(renderNotification(templates, data, fakeRender)).toEqual({
      message: 'guestbook synced',
      slack: {
        username: undefined,
        icon: undefined,
        attachments: undefined,
        blocks: '[]',
        groupingKey: undefined,
        notifyBroadcast: undefined,
        deliveryPolicy: undefined,
      },
      webhook: {
        gh: { method: 'POST', path: undefined, body: 'a' },
        jira: { method: 'PUT', path: '/deploys', body: undefined },
      },
    });
  });

  it('renders dingtalk sections', () => {
    const out = renderNotification(
      [
        {
          name: 'd',
          message: 'm',
          dingtalk: {
            msgType: 'markdown',
            title: '{{.app.metadata.name}}',
            text: '### {{.context.argocdUrl}}',
          },
        },
      ],
      data,
      fakeRender,
    );
    expect(out.dingtalk).toMatchObject({ msgType: 'markdown', title: 'guestbook', text: '### https://argo' });
  });

  it('names the failing template field', () => {
    expect(() =>
      renderNotification(
        [{ name: 'bad', message: 'ok', slack: { attachments: '{{fail}}' } }],
        data,
        fakeRender,
      ),
    ).toThrow(
      new NotificationRenderError('template.bad.slack.attachments', 'template: boom', {
        cause: new Error('template: boom'),
      }),
    );
  });
});
