/**
 * The message metadata (https://docs.slack.dev/messaging/message-metadata) Berth attaches to every message it
 * posts for a delivery, so a later attempt can find an earlier one in the channel's history.
 */
export const SLACK_DELIVERY_EVENT_TYPE = 'berth_delivery';

export interface SlackDeliveryMetadata {
  event_type: typeof SLACK_DELIVERY_EVENT_TYPE;
  event_payload: { delivery_id: string };
}

export function slackDeliveryMetadata(deliveryId: string): SlackDeliveryMetadata {
  return { event_type: SLACK_DELIVERY_EVENT_TYPE, event_payload: { delivery_id: deliveryId } };
}

/** The delivery id a message from conversations.history / .replies carries, if it is one of Berth's. */
export function deliveryIdOf(message: unknown): string | undefined {
  const metadata = (
    message as { metadata?: { event_type?: unknown; event_payload?: { delivery_id?: unknown } } }
  )?.metadata;
  if (metadata?.event_type !== SLACK_DELIVERY_EVENT_TYPE) return undefined;
  const id = metadata.event_payload?.delivery_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * How far before the unconfirmed attempt's start (Postgres's clock) the history is searched: covers skew
 * between that clock and Slack's message timestamps.
 */
export const SLACK_LOOKUP_MARGIN_MS = 60_000;
/** conversations.history / .replies page size (Slack allows up to 999; fewer for non-Marketplace apps). */
export const SLACK_LOOKUP_PAGE_SIZE = 200;
/** Pages read before giving up (and posting again): a channel with more messages than that since the crash. */
export const SLACK_LOOKUP_MAX_PAGES = 5;
