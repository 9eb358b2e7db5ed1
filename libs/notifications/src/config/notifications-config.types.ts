import type { TriggerDefinition } from '../triggers/trigger.types';
import type { LabelRequirement } from './label-selector';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_DINGTALK_API_URL = 'https://oapi.dingtalk.com';

/** `service.slack` / `service.slack.<name>`: a bot token (chat.postMessage) or an incoming webhook URL. */
export interface SlackServiceConfig {
  type: 'slack';
  name: string;
  token?: string;
  /** Incoming webhook (`https://hooks.slack.com/services/...`); used when no token is set. */
  webhookURL?: string;
  /** Web API base, like Argo CD's `apiURL` (default https://slack.com/api/). */
  apiURL: string;
  username?: string;
  icon?: string;
  disableUnfurl?: boolean;
  insecureSkipVerify?: boolean;
}

/** `service.dingtalk` / `service.dingtalk.<name>`: a DingTalk custom robot (native; Argo CD has none). */
export interface DingTalkServiceConfig {
  type: 'dingtalk';
  name: string;
  /** Full robot URL with access_token, or built from apiURL + accessToken. */
  webhookURL: string;
  /** Signing secret (starts with `SEC`); when set every request carries timestamp+sign. */
  secret?: string;
  atMobiles?: string[];
  isAtAll?: boolean;
}

export interface WebhookHeader {
  name: string;
  value: string;
}

/** `service.webhook.<name>`. */
export interface WebhookServiceConfig {
  type: 'webhook';
  name: string;
  url: string;
  headers: WebhookHeader[];
  basicAuth?: { username: string; password: string };
  insecureSkipVerify?: boolean;
}

export type ServiceConfig = SlackServiceConfig | DingTalkServiceConfig | WebhookServiceConfig;

export type SlackDeliveryPolicy = 'Post' | 'PostAndUpdate' | 'Update';

/** Every string here is Go text/template source, rendered per notification. */
export interface SlackTemplate {
  username?: string;
  icon?: string;
  attachments?: string;
  blocks?: string;
  groupingKey?: string;
  notifyBroadcast?: boolean;
  deliveryPolicy?: SlackDeliveryPolicy;
}

export type DingTalkMsgType = 'markdown' | 'text' | 'actionCard';

export interface DingTalkTemplate {
  msgType?: DingTalkMsgType;
  title?: string;
  /** Body; defaults to the template's `message`. */
  text?: string;
  atMobiles?: string[];
  isAtAll?: boolean;
  singleTitle?: string;
  singleURL?: string;
  btnOrientation?: string;
  btns?: Array<{ title: string; actionURL: string }>;
}

export interface WebhookTemplate {
  method: string;
  path?: string;
  body?: string;
}

/** `template.<name>`. */
export interface NotificationTemplate {
  name: string;
  message?: string;
  email?: { subject?: string; body?: string };
  slack?: SlackTemplate;
  dingtalk?: DingTalkTemplate;
  /** Keyed by webhook SERVICE name (`service.webhook.<name>`). */
  webhook?: Record<string, WebhookTemplate>;
}

/** One item of the global `subscriptions` list. */
export interface GlobalSubscription {
  recipients: Array<{ service: string; recipient: string }>;
  /** Empty: the default triggers. */
  triggers: string[];
  selector: LabelRequirement[];
}

export interface NotificationsConfig {
  services: Record<string, ServiceConfig>;
  templates: Record<string, NotificationTemplate>;
  triggers: Record<string, TriggerDefinition>;
  defaultTriggers: string[];
  /** `defaultTriggers.<service>` overrides, by service name. */
  defaultTriggersByService: Record<string, string[]>;
  subscriptions: GlobalSubscription[];
  context: Record<string, string>;
}

/** A problem with one key: `key` is the exact path (`trigger.on-sync-succeeded[0].when`). */
export interface ConfigIssue {
  key: string;
  message: string;
}

/** A `$name` secret reference in a service's config: the service that would carry the secret. */
export interface SecretReference {
  /** The config key of the service, e.g. `service.webhook.collector`. */
  serviceKey: string;
  /** The service name (`collector`). */
  service: string;
  /** The secret name without `$` (`slack-token`). */
  secret: string;
}

export type ParseConfigResult =
  | { ok: true; config: NotificationsConfig; warnings: ConfigIssue[]; secretReferences: SecretReference[] }
  | { ok: false; errors: ConfigIssue[]; warnings: ConfigIssue[] };

/** Resolves `$name` references in service config (argocd-notifications-secret data). */
export type SecretLookup = (name: string) => string | undefined;
