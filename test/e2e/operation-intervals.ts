/** One row of the event log, as the checks below need it. */
export interface OperationEventRow {
  application: string;
  streamVersion: number;
  type: string;
  operationId: string | undefined;
  /** Who appended it: `metadata.workerId` when the worker records one, else `metadata.source`. */
  appendedBy: string | undefined;
}

export interface OperationViolation {
  application: string;
  operationId: string | undefined;
  problem: string;
}

const STARTED = 'SyncOperationStarted';
const TERMINAL = new Set(['SyncOperationSucceeded', 'SyncOperationFailed', 'SyncOperationTerminated']);
/** Events a worker appends while it runs an operation. */
const DURING = new Set(['ResourceSynced']);

/**
 * Checks, per application in stream_version order, that sync operations never overlap (a Started
 * only when no operation is open; every ResourceSynced and terminal event belongs to the open
 * one), that each operation has exactly one Started and one terminal event, and that one
 * operation's events were appended by one process.
 */
export function checkOperationIntervals(rows: readonly OperationEventRow[]): OperationViolation[] {
  const violations: OperationViolation[] = [];
  const byApp = new Map<string, OperationEventRow[]>();
  for (const row of rows) {
    const list = byApp.get(row.application) ?? [];
    list.push(row);
    byApp.set(row.application, list);
  }
  for (const [application, events] of byApp) {
    events.sort((a, b) => a.streamVersion - b.streamVersion);
    const starts = new Map<string, number>();
    const terminals = new Map<string, number>();
    const appenders = new Map<string, Set<string>>();
    let open: string | undefined;
    const fail = (operationId: string | undefined, problem: string) =>
      violations.push({ application, operationId, problem });
    for (const e of events) {
      const id = e.operationId;
      if (e.type === STARTED || TERMINAL.has(e.type) || DURING.has(e.type)) {
        if (!id) {
          fail(undefined, `${e.type} at version ${e.streamVersion} has no operationId`);
          continue;
        }
        const who = appenders.get(id) ?? new Set<string>();
        who.add(e.appendedBy ?? '?');
        appenders.set(id, who);
      }
      if (e.type === STARTED) {
        if (open !== undefined && open !== id) {
          fail(id, `started at version ${e.streamVersion} while operation ${open} was still running`);
        }
        starts.set(id!, (starts.get(id!) ?? 0) + 1);
        open = id;
      } else if (TERMINAL.has(e.type) || DURING.has(e.type)) {
        if (open !== id) {
          fail(id, `${e.type} at version ${e.streamVersion} outside its operation (open: ${open ?? 'none'})`);
        }
        if (TERMINAL.has(e.type)) {
          terminals.set(id!, (terminals.get(id!) ?? 0) + 1);
          open = undefined;
        }
      }
    }
    for (const id of new Set([...starts.keys(), ...terminals.keys()])) {
      const s = starts.get(id) ?? 0;
      const t = terminals.get(id) ?? 0;
      if (s !== 1 || t !== 1)
        fail(id, `has ${s} SyncOperationStarted and ${t} terminal events; want 1 and 1`);
    }
    for (const [id, who] of appenders) {
      if (who.size > 1)
        fail(id, `appended by ${[...who].sort().join(' and ')}: two workers ran one operation`);
    }
  }
  return violations;
}
