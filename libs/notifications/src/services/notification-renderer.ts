import type { NotificationTemplate } from '../config/notifications-config.types';
import type { RenderedNotification } from './rendered-notification';

/** Renders one Go text/template source with data (plug in @berth/gotemplate). Throws on render errors. */
export type RenderTemplate = (templateText: string, data: unknown) => string;

export class NotificationRenderError extends Error {
  readonly code = 'NOTIFICATION_RENDER_FAILED';
  constructor(
    /** The template field, e.g. `template.app-sync-failed.slack.attachments`. */
    readonly field: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${detail}`, options);
    this.name = 'NotificationRenderError';
  }
}

export interface TemplateDataInput {
  app: unknown;
  appProject?: unknown;
  context?: Readonly<Record<string, string>>;
  /** Destination service name (Argo CD's `.serviceType` is the name, e.g. `slack`, not the type). */
  service: string;
  recipient: string;
  secrets?: Readonly<Record<string, string>>;
}

/** Template variables as Argo CD builds them; `time`/`strings`/`repo` helpers belong to the template engine. */
export function buildTemplateData(input: TemplateDataInput): Record<string, unknown> {
  return {
    app: input.app,
    appProject: input.appProject ?? {},
    // User context wins over notificationType on conflict, as in Argo CD.
    context: { notificationType: input.service, ...(input.context ?? {}) },
    serviceType: input.service,
    recipient: input.recipient,
    secrets: { ...(input.secrets ?? {}) },
  };
}

/**
 * Renders the templates a trigger sends, in order, merged like notifications-engine: message and email fields
 * are replaced only by non-empty renders; a template with a slack/dingtalk section replaces those fields;
 * webhook sections merge by service name.
 */
export function renderNotification(
  templates: readonly NotificationTemplate[],
  data: unknown,
  render: RenderTemplate,
): RenderedNotification {
  const out: RenderedNotification = { message: '' };
  for (const t of templates) {
    const r = (field: string, source: string | undefined): string | undefined => {
      if (source === undefined) return undefined;
      try {
        return render(source, data);
      } catch (err) {
        throw new NotificationRenderError(`template.${t.name}.${field}`, (err as Error).message, {
          cause: err,
        });
      }
    };
    const message = r('message', t.message);
    if (message) out.message = message;
    if (t.email) {
      const subject = r('email.subject', t.email.subject);
      const body = r('email.body', t.email.body);
      out.email = { ...out.email, ...(subject ? { subject } : {}), ...(body ? { body } : {}) };
    }
    if (t.slack) {
      out.slack = {
        username: r('slack.username', t.slack.username),
        icon: r('slack.icon', t.slack.icon),
        attachments: r('slack.attachments', t.slack.attachments),
        blocks: r('slack.blocks', t.slack.blocks),
        groupingKey: r('slack.groupingKey', t.slack.groupingKey),
        notifyBroadcast: t.slack.notifyBroadcast,
        deliveryPolicy: t.slack.deliveryPolicy,
      };
    }
    if (t.dingtalk) {
      const d = t.dingtalk;
      out.dingtalk = {
        msgType: d.msgType,
        title: r('dingtalk.title', d.title),
        text: r('dingtalk.text', d.text),
        atMobiles: d.atMobiles,
        isAtAll: d.isAtAll,
        singleTitle: r('dingtalk.singleTitle', d.singleTitle),
        singleURL: r('dingtalk.singleURL', d.singleURL),
        btnOrientation: d.btnOrientation,
        btns: d.btns?.map((b, i) => ({
          title: r(`dingtalk.btns[${i}].title`, b.title) ?? '',
          actionURL: r(`dingtalk.btns[${i}].actionURL`, b.actionURL) ?? '',
        })),
      };
    }
    if (t.webhook) {
      out.webhook = { ...out.webhook };
      for (const [service, w] of Object.entries(t.webhook)) {
        out.webhook[service] = {
          method: w.method,
          path: r(`webhook.${service}.path`, w.path),
          body: r(`webhook.${service}.body`, w.body),
        };
      }
    }
  }
  return out;
}
