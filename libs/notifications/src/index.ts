// Triggers: Argo CD's trigger environment and the edge / oncePer state machine.
export { createTriggerEnv } from './triggers/trigger-env';
export type { TriggerEnvInput } from './triggers/trigger-env';
export {
  MAX_DELIVERED_ENTRIES,
  conditionKey,
  emptyTriggerState,
  evaluateTriggers,
  markDelivered,
  parseTriggerState,
} from './triggers/trigger.evaluator';
export type { EvaluateTriggersOptions } from './triggers/trigger.evaluator';
export type {
  FiredCondition,
  TriggerCondition,
  TriggerDefinition,
  TriggerEvaluation,
  TriggerEvaluationIssue,
  TriggerState,
} from './triggers/trigger.types';
// Config (argocd-notifications-cm) and subscriptions
export type {
  ConfigIssue,
  DingTalkMsgType,
  DingTalkServiceConfig,
  DingTalkTemplate,
  GlobalSubscription,
  NotificationTemplate,
  NotificationsConfig,
  ParseConfigResult,
  SecretLookup,
  SecretReference,
  ServiceConfig,
  SlackDeliveryPolicy,
  SlackServiceConfig,
  SlackTemplate,
  WebhookHeader,
  WebhookServiceConfig,
  WebhookTemplate,
} from './config/notifications-config.types';
export { NotificationsConfigError, formatConfigIssue } from './config/notifications-config.errors';
export {
  parseNotificationsConfig,
  parseNotificationsConfigOrThrow,
} from './config/notifications-config.parser';
export type { ParseConfigOptions } from './config/notifications-config.parser';
export { ANNOTATION_PREFIX, resolveSubscriptions } from './config/subscriptions';
export { serviceDestinations } from './config/service-destinations';
export type { Destination, ResolvedSubscriptions } from './config/subscriptions';
// Services: rendering, Slack, DingTalk, webhook, rate limits
export type {
  DeliveryAttempt,
  FetchLike,
  HttpServiceOptions,
  SendFailure,
  SendResult,
} from './services/send-result';
export { IDEMPOTENCY_KEY_HEADER } from './services/send-result';
export {
  SLACK_DELIVERY_EVENT_TYPE,
  SLACK_LOOKUP_MARGIN_MS,
  deliveryIdOf,
  slackDeliveryMetadata,
} from './services/slack-delivery-metadata';
export type { SlackDeliveryMetadata } from './services/slack-delivery-metadata';
export type { RenderedNotification } from './services/rendered-notification';
export {
  NotificationRenderError,
  buildTemplateData,
  renderNotification,
} from './services/notification-renderer';
export type { RenderTemplate, TemplateDataInput } from './services/notification-renderer';
export { SlackService } from './services/slack.service';
export type { SlackServiceOptions } from './services/slack.service';
export { InMemorySlackThreadStore } from './services/slack-thread-store';
export type { SlackThreadRef, SlackThreadStore } from './services/slack-thread-store';
export { DingTalkService } from './services/dingtalk.service';
export type { DingTalkServiceOptions } from './services/dingtalk.service';
export { WebhookService } from './services/webhook.service';
export {
  DINGTALK_RATE_LIMIT,
  DestinationRateLimiter,
  SLACK_RATE_LIMIT,
} from './services/destination-rate-limiter';
export type { RateLimitPolicy } from './services/destination-rate-limiter';
export { createNotificationService, rateLimitFor } from './services/notification-service.factory';
export type {
  NotificationService,
  NotificationServiceOptions,
} from './services/notification-service.factory';
export { parseRetryAfter } from './services/http-call';
// Delivery
export { deliveryId } from './delivery/delivery-id';
