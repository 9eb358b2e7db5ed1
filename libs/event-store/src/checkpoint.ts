/**
 * A subscriber's place in the log. Positions alone are not enough: a bigserial value is taken at
 * insert time and becomes visible at commit time, so a subscriber that remembered "position 11"
 * would skip a position 10 that commits later. The log is read in (transactionId, position) order,
 * and only below the oldest transaction still running, so nothing can appear behind a checkpoint.
 */
export interface Checkpoint {
  transactionId: bigint;
  position: bigint;
}

export const START_OF_LOG: Checkpoint = { transactionId: 0n, position: 0n };

export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}
