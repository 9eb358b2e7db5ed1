// Test helpers: local HTTP receivers for Slack, DingTalk and webhooks (import from '@berth/notifications/testing').
export * from './http-receiver';
export * from './slack-receiver';
export * from './dingtalk-receiver';
