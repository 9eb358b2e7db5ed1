import { createHash } from 'node:crypto';

/**
 * Deterministic id of one notification to one destination, safe as a BullMQ job id (hex, no `:`).
 * Same inputs -> same id, so re-evaluating an undelivered oncePer condition does not enqueue a duplicate.
 * Pass `eventPosition` (the event-log position of the state change) for edge-triggered conditions so each
 * new edge is a new delivery.
 */
export function deliveryId(
  trigger: string,
  conditionIndex: number,
  oncePerValue: string | undefined,
  service: string,
  recipient: string,
  eventPosition?: string | number | bigint,
): string {
  const parts = [
    trigger,
    conditionIndex,
    oncePerValue ?? null,
    service,
    recipient,
    eventPosition === undefined ? null : String(eventPosition),
  ];
  return `ntf-${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}
