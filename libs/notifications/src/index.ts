// Expression language (Argo CD trigger `when` / `oncePer`)
export * from '@berth/expr';
export * from './triggers/trigger-env';
// Trigger state
export * from './triggers/trigger.types';
export * from './triggers/trigger.evaluator';
// Config (argocd-notifications-cm) and subscriptions
export * from './config/notifications-config.types';
export * from './config/notifications-config.errors';
export * from './config/notifications-config.parser';
export * from './config/label-selector';
export * from './config/subscriptions';
// Services
export * from './services/send-result';
export * from './services/rendered-notification';
export * from './services/notification-renderer';
export * from './services/slack.service';
export * from './services/slack-thread-store';
export * from './services/dingtalk.service';
export * from './services/dingtalk-signature';
export * from './services/webhook.service';
export * from './services/destination-rate-limiter';
export * from './services/notification-service.factory';
export { parseRetryAfter } from './services/http-call';
// Delivery
export * from './delivery/delivery-id';
