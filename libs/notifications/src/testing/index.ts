// Test helpers: local HTTP receivers for Slack, DingTalk and webhooks (import from '@berth/notifications/testing').
export { startHttpReceiver } from './http-receiver';
export type { HttpReceiver, RecordedRequest, Responder, ScriptedResponse } from './http-receiver';
export { startSlackReceiver } from './slack-receiver';
export type { SlackReceivedMessage, SlackReceiver, SlackReceiverOptions } from './slack-receiver';
export { startDingTalkReceiver } from './dingtalk-receiver';
export type { DingTalkReceiverOptions } from './dingtalk-receiver';
