import type { SyncWindow } from './app-project.types';
import { selectsApp, type SelectedApp } from './app-selector';
import type { ClusterRef } from './known-cluster';
import { windowOccurrence, type WindowOccurrence } from './sync-window-schedule';

/**
 * Argo CD's sync windows (pkg/apis/application/v1alpha1 SyncWindows): which windows of a project apply to
 * an application (`Matches`), which are open (`Active`), and whether a sync may run now (`CanSync`).
 */

/** A window of the project, with its place in `spec.syncWindows` (Argo CD's window id). */
export interface NumberedSyncWindow {
  index: number;
  window: SyncWindow;
}

/** What a window is matched against: the app's name and destination. */
export type SyncWindowTarget = SelectedApp;

/**
 * Argo CD's SyncWindows.Matches: the windows whose selectors select the app (`selectsApp`: any selector
 * that is set, or all of them with `andOperator: true`; a window with no selectors applies to nothing).
 */
export function matchingSyncWindows(
  windows: readonly SyncWindow[] | undefined,
  target: SyncWindowTarget,
  clusters: readonly ClusterRef[] = [],
): NumberedSyncWindow[] {
  const matched: NumberedSyncWindow[] = [];
  (windows ?? []).forEach((window, index) => {
    if (selectsApp(window, target, clusters)) matched.push({ index, window });
  });
  return matched;
}

/** A window and where `now` stands in it. */
export interface EvaluatedSyncWindow extends NumberedSyncWindow {
  occurrence: WindowOccurrence;
}

/** Argo CD's SyncWindows.Active over a project's windows: the open ones, numbered. */
export function activeSyncWindows(
  windows: readonly SyncWindow[] | undefined,
  now: Date,
): NumberedSyncWindow[] {
  return evaluate(
    (windows ?? []).map((window, index) => ({ index, window })),
    now,
  ).filter((w) => w.occurrence.state === 'active');
}

function evaluate(windows: readonly NumberedSyncWindow[], now: Date): EvaluatedSyncWindow[] {
  return windows.map((w) => ({ ...w, occurrence: windowOccurrence(w.window, now) }));
}

export interface SyncWindowsVerdict {
  canSync: boolean;
  /** The project's windows that apply to the app (Argo CD's assignedWindows). */
  assigned: EvaluatedSyncWindow[];
  /** Those open now (Argo CD's activeWindows). */
  active: EvaluatedSyncWindow[];
  /** Why not, in words (absent when the sync may run). */
  reason?: string;
  /** The next time one of the assigned windows opens or closes: the verdict may change then. */
  changesAt?: Date;
}

/**
 * Argo CD's SyncWindows.CanSync(isManual) over the windows that apply to an app:
 * - no window applies: sync;
 * - a deny window is open: no sync, unless it is manual and every open deny window has `manualSync`
 *   (deny beats allow: an open allow window does not help);
 * - an allow window is open: sync;
 * - allow windows apply but none is open: no sync, unless it is manual and every allow window has
 *   `manualSync`;
 * - only closed deny windows apply: sync.
 * A window that cannot be read (a schedule stored before it was validated) blocks, as in Argo CD.
 */
export function syncWindowsVerdict(
  assigned: readonly NumberedSyncWindow[],
  now: Date,
  manual: boolean,
): SyncWindowsVerdict {
  const evaluated = evaluate(assigned, now);
  const active = evaluated.filter((w) => w.occurrence.state === 'active');
  const changes = evaluated
    .map((w) =>
      w.occurrence.state === 'active'
        ? w.occurrence.closesAt
        : w.occurrence.state === 'inactive'
          ? w.occurrence.opensAt
          : undefined,
    )
    .filter((d): d is Date => d !== undefined)
    .map((d) => d.getTime());
  const changesAt = changes.length > 0 ? new Date(Math.min(...changes)) : undefined;
  const verdict = (canSync: boolean, reason?: string): SyncWindowsVerdict => ({
    canSync,
    assigned: evaluated,
    active,
    ...(canSync || reason === undefined ? {} : { reason }),
    ...(changesAt ? { changesAt } : {}),
  });
  if (evaluated.length === 0) return verdict(true);

  const invalid = evaluated.filter((w) => w.occurrence.state === 'invalid');
  if (invalid.length > 0)
    return verdict(
      false,
      `invalid sync window: ${invalid.map((w) => `${describeSyncWindow(w)}: ${(w.occurrence as { problem: string }).problem}`).join('; ')}; fix the project's syncWindows`,
    );

  const openDeny = active.filter((w) => w.window.kind === 'deny');
  if (openDeny.length > 0) {
    if (manual && openDeny.every((w) => w.window.manualSync === true)) return verdict(true);
    return verdict(false, `${openDeny.map(describeOpenWindow).join('; ')}${manualHint(openDeny, manual)}`);
  }
  if (active.some((w) => w.window.kind === 'allow')) return verdict(true);

  const closedAllow = evaluated.filter((w) => w.window.kind === 'allow');
  if (closedAllow.length > 0) {
    if (manual && closedAllow.every((w) => w.window.manualSync === true)) return verdict(true);
    return verdict(
      false,
      `no allow window is open (${closedAllow.map(describeClosedWindow).join('; ')})${manualHint(closedAllow, manual)}`,
    );
  }
  return verdict(true);
}

/** The project's windows that apply to `target`, judged at `now` for a manual or an automated sync. */
export function syncWindowsVerdictFor(
  windows: readonly SyncWindow[] | undefined,
  target: SyncWindowTarget,
  now: Date,
  options: { manual: boolean; clusters?: readonly ClusterRef[] },
): SyncWindowsVerdict {
  return syncWindowsVerdict(matchingSyncWindows(windows, target, options.clusters), now, options.manual);
}

/** `syncWindows[0] (deny "0 22 * * *" for 1h, Europe/Berlin)` */
export function describeSyncWindow({ index, window }: NumberedSyncWindow): string {
  const zone = window.timeZone ? `, ${window.timeZone}` : '';
  return `syncWindows[${index}] (${window.kind} ${JSON.stringify(window.schedule)} for ${window.duration}${zone})`;
}

function describeOpenWindow(w: EvaluatedSyncWindow): string {
  const closesAt = w.occurrence.state === 'active' ? w.occurrence.closesAt : undefined;
  const closes = closesAt ? ` until ${minuteOf(closesAt)}` : ' for the foreseeable future';
  return `${describeSyncWindow(w)} is open${closes}`;
}

function describeClosedWindow(w: EvaluatedSyncWindow): string {
  const opens = w.occurrence.state === 'inactive' ? ` opens ${minuteOf(w.occurrence.opensAt)}` : '';
  return `${describeSyncWindow(w)}${opens}`;
}

/** What would let a person sync: the windows whose manualSync is off. */
function manualHint(windows: readonly EvaluatedSyncWindow[], manual: boolean): string {
  if (!manual) return '';
  const off = windows.filter((w) => w.window.manualSync !== true).map((w) => `syncWindows[${w.index}]`);
  return `; manual syncs need manualSync: true on ${off.join(', ')}`;
}

/** `2026-03-29T03:30Z`: windows open and close on the minute. */
function minuteOf(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}
