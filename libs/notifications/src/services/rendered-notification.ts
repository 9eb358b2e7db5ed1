import type { DingTalkMsgType, SlackDeliveryPolicy } from '../config/notifications-config.types';

/** A notification after template rendering: what the services send. */
export interface RenderedNotification {
  message: string;
  email?: { subject?: string; body?: string };
  slack?: {
    username?: string;
    icon?: string;
    /** JSON array text, parsed by the Slack service. */
    attachments?: string;
    blocks?: string;
    groupingKey?: string;
    notifyBroadcast?: boolean;
    deliveryPolicy?: SlackDeliveryPolicy;
  };
  dingtalk?: {
    msgType?: DingTalkMsgType;
    title?: string;
    text?: string;
    atMobiles?: string[];
    isAtAll?: boolean;
    singleTitle?: string;
    singleURL?: string;
    btnOrientation?: string;
    btns?: Array<{ title: string; actionURL: string }>;
  };
  /** By webhook service name. */
  webhook?: Record<string, { method: string; path?: string; body?: string }>;
}
