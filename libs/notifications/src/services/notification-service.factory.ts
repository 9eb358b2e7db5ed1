import type { ServiceConfig } from '../config/notifications-config.types';
import { DINGTALK_RATE_LIMIT, type RateLimitPolicy, SLACK_RATE_LIMIT } from './destination-rate-limiter';
import { DingTalkService, type DingTalkServiceOptions } from './dingtalk.service';
import type { RenderedNotification } from './rendered-notification';
import type { DeliveryAttempt, SendResult } from './send-result';
import { SlackService, type SlackServiceOptions } from './slack.service';
import { WebhookService } from './webhook.service';

export interface NotificationService {
  /** One attempt; `delivery` identifies the delivery it belongs to (services that can carry an id send it). */
  send(
    notification: RenderedNotification,
    recipient: string,
    delivery?: DeliveryAttempt,
  ): Promise<SendResult>;
}

export type NotificationServiceOptions = SlackServiceOptions & DingTalkServiceOptions;

/** The sender for one configured service. */
export function createNotificationService(
  config: ServiceConfig,
  options: NotificationServiceOptions = {},
): NotificationService {
  switch (config.type) {
    case 'slack':
      return new SlackService(config, options);
    case 'dingtalk':
      return new DingTalkService(config, options);
    case 'webhook':
      return new WebhookService(config, options);
  }
}

/** Rate limit policy and limiter key for a destination; undefined when the service has no known limit. */
export function rateLimitFor(
  config: ServiceConfig,
  recipient: string,
): { key: string; policy: RateLimitPolicy } | undefined {
  switch (config.type) {
    case 'slack':
      // An incoming webhook posts to one channel whatever the recipient says.
      return { key: `slack/${config.name}/${config.token ? recipient : ''}`, policy: SLACK_RATE_LIMIT };
    case 'dingtalk':
      return { key: `dingtalk/${config.name}`, policy: DINGTALK_RATE_LIMIT };
    default:
      return undefined;
  }
}
